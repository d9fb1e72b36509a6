import { accountPersonalData } from './account.personal-data';
import { boardPersonalData } from './board.personal-data';
import { gradesPersonalData } from './grades.personal-data';
import { modulesPersonalData } from './modules.personal-data';
import type { PersonalDataSource } from './personal-data';
import { sessionsPersonalData } from './sessions.personal-data';

/**
 * Every store of personal data, in the order erasure runs them. A feature with a table that holds
 * something about a user adds its source here (test/privacy/personal-data-coverage.test.ts fails
 * until it does). The account comes last: the others may still look the user up.
 */
export const PERSONAL_DATA_SOURCES: readonly PersonalDataSource[] = [
  modulesPersonalData,
  gradesPersonalData,
  boardPersonalData,
  sessionsPersonalData,
  accountPersonalData,
];
