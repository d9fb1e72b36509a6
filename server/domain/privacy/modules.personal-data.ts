import { ModuleAttempt, StepAnswer } from '../../store/models';
import { json, plain, type PersonalDataSource } from './personal-data';

/**
 * Module attempts and the answers given in them. Erasure deletes the answers (free text about
 * the person's own work) and keeps the attempts, now of a deleted user, for course statistics.
 */
export const modulesPersonalData: PersonalDataSource = {
  name: 'modules',
  tables: ['module_attempts', 'step_answers'],
  async export(userId, transaction) {
    const attempts = await ModuleAttempt.findAll({ where: { userId }, order: [['id', 'ASC']], transaction });
    const answers = await StepAnswer.findAll({
      where: { attemptId: attempts.map((a) => a.id) },
      order: [['id', 'ASC']],
      transaction,
    });
    return attempts.map((a) => ({
      ...plain(a),
      answers: answers.filter((s) => s.attemptId === a.id).map((s) => ({ ...plain(s), answer: json(s.answer) })),
    }));
  },
  async erase(userId, _mode, transaction) {
    const attempts = await ModuleAttempt.findAll({ attributes: ['id'], where: { userId }, transaction });
    await StepAnswer.destroy({ where: { attemptId: attempts.map((a) => a.id) }, transaction });
  },
};
