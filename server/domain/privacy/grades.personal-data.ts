import { Op } from 'sequelize';
import { GradeOutbox } from '../../store/models';
import { plain, type PersonalDataSource } from './personal-data';

/**
 * The user's rows in the grade outbox. Erasure withdraws the rows not sent yet (the platform id
 * they would be sent to is gone) and keeps the history of what was sent.
 */
export const gradesPersonalData: PersonalDataSource = {
  name: 'grades',
  tables: ['grade_outbox'],
  async export(userId, transaction) {
    const rows = await GradeOutbox.findAll({ where: { userId }, order: [['id', 'ASC']], transaction });
    return rows.map((row) => plain(row, ['claimToken', 'claimedUntil']));
  },
  async erase(userId, _mode, transaction) {
    await GradeOutbox.update(
      { status: 'superseded', claimToken: null, claimedUntil: null },
      { where: { userId, status: { [Op.in]: ['pending', 'failed'] } }, transaction },
    );
  },
};
