import assert from 'node:assert/strict';
import { mapRoles } from '../../lti/roles';

const MEMBERSHIP = 'http://purl.imsglobal.org/vocab/lis/v2/membership#';
const SUB = 'http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#';
const INSTITUTION = 'http://purl.imsglobal.org/vocab/lis/v2/institution/person#';
const SYSTEM = 'http://purl.imsglobal.org/vocab/lis/v2/system/person#';

describe('mapRoles', () => {
  describe('id_token role URIs', () => {
    it('maps a Learner to learner', () => {
      assert.equal(mapRoles([`${MEMBERSHIP}Learner`]), 'learner');
    });
    it('maps Instructor, TeachingAssistant, ContentDeveloper, Mentor and course Administrator to instructor', () => {
      for (const role of ['Instructor', 'ContentDeveloper', 'Mentor', 'Administrator'])
        assert.equal(mapRoles([`${MEMBERSHIP}${role}`]), 'instructor', role);
      assert.equal(mapRoles([`${SUB}TeachingAssistant`]), 'instructor');
    });
    it('maps an institution or system Administrator to administrator, whatever else they are', () => {
      assert.equal(mapRoles([`${INSTITUTION}Administrator`]), 'administrator');
      assert.equal(mapRoles([`${SYSTEM}Administrator`]), 'administrator');
      assert.equal(mapRoles([`${SYSTEM}SysAdmin`]), 'administrator');
      // Moodle's site admin launching from a course: the strongest role wins.
      assert.equal(
        mapRoles([`${INSTITUTION}Administrator`, `${MEMBERSHIP}Instructor`, `${SYSTEM}Administrator`]),
        'administrator',
      );
    });
    it('does not make an institution Instructor or Student a course instructor', () => {
      assert.equal(mapRoles([`${INSTITUTION}Instructor`]), 'learner');
      assert.equal(mapRoles([`${INSTITUTION}Student`, `${MEMBERSHIP}Learner`]), 'learner');
    });
    it('gives the strongest of several course roles', () => {
      assert.equal(mapRoles([`${MEMBERSHIP}Learner`, `${MEMBERSHIP}Instructor`]), 'instructor');
    });
  });

  describe('NRPS short names', () => {
    it('maps Learner to learner and the teaching roles to instructor', () => {
      assert.equal(mapRoles(['Learner']), 'learner');
      for (const role of ['Instructor', 'TeachingAssistant', 'ContentDeveloper', 'Mentor', 'Administrator'])
        assert.equal(mapRoles([role]), 'instructor', role);
    });
    it('treats an unknown or empty role list as a learner', () => {
      assert.equal(mapRoles([]), 'learner');
      assert.equal(mapRoles(['Guest']), 'learner');
      assert.equal(mapRoles(['NotAnInstructor']), 'learner');
      assert.equal(mapRoles([`${MEMBERSHIP}Learner#Instructor-ish`]), 'learner');
    });
  });
});
