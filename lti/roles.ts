/** Silta's three roles; every LTI role maps to one of them. */
export type SiltaRole = 'learner' | 'instructor' | 'administrator';

const SYSTEM_ADMIN = /\/(system|institution)\/person#(Administrator|SysAdmin)$/;
// Context roles as full URIs (id_token) or short names (NRPS, as Moodle sends them there).
const TEACHING = /(^|#|\/)(Instructor|ContentDeveloper|Mentor|Administrator|TeachingAssistant)$/;

/**
 * Maps LTI roles to Silta's role; the strongest wins. A site administrator launching from a
 * course is an administrator; course-level teaching roles are instructors; everyone else learns.
 */
export function mapRoles(roles: readonly string[]): SiltaRole {
  if (roles.some((r) => SYSTEM_ADMIN.test(r))) return 'administrator';
  if (roles.some((r) => !r.includes('/person#') && TEACHING.test(r))) return 'instructor';
  return 'learner';
}
