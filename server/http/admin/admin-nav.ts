/**
 * The console's sections, in menu order. A new page adds one entry here (the label is a locale
 * key) and mounts its router in admin.routes.ts (docs/decisions/0008).
 */
export const ADMIN_NAV: { href: string; label: string }[] = [
  { href: '/admin/platforms', label: 'admin.nav.platforms' },
  { href: '/admin/keys', label: 'admin.nav.keys' },
  { href: '/admin/grades', label: 'admin.nav.grades' },
  { href: '/admin/regions', label: 'admin.nav.regions' },
  { href: '/admin/content', label: 'admin.nav.content' },
  { href: '/admin/reports', label: 'admin.nav.reports' },
  { href: '/admin/people', label: 'admin.nav.people' },
];
