import type { PackStep } from '../../server/domain/modules/content-pack';
import { LaunchSession, ModuleAttempt } from '../../server/store/models';
import type { TestSilta } from './test-app';

/** Form fields that answer a step fully and correctly (the reflection text can be chosen). */
export function rightAnswer(
  step: PackStep,
  reflection = 'Alueellamme työkyvyn tuen palveluketju katkeaa usein siirtymissä. ',
): [string, string][] {
  switch (step.kind) {
    case 'knowledge-check':
      return step.questions.flatMap((q) =>
        q.options.filter((o) => o.correct).map((o): [string, string] => [`q_${q.id}`, o.id]),
      );
    case 'reflection':
      return [['text', reflection.repeat(Math.ceil((step.minLength + 1) / reflection.length))]];
    case 'checklist':
      return step.items.map((i): [string, string] => ['checked', i.id]);
    default:
      return [];
  }
}

/** The id of the session user's current attempt (opening the overview starts one). */
export async function attemptOf(t: TestSilta, lt: string): Promise<number> {
  await t.request().get(`/modules?lt=${lt}`).expect(200);
  const session = (await LaunchSession.findByPk(lt))!;
  return (await ModuleAttempt.findOne({
    where: { userId: session.userId, resourceLinkId: session.resourceLinkId! },
    order: [['attemptNo', 'DESC']],
  }))!.id;
}
