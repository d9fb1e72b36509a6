import type { TFunction } from 'i18next';
import { hasKey, type Language } from '../../i18n';
import type { CsvCell } from '../../http/csv';
import { formatScore, formatScoreNumber } from '../grades/score-format';
import { isErasedSub } from '../privacy/personal-data';
import type { ModulePack } from './content-pack';
import type { ParticipantProgress, ProgressReport } from './module-progress.service';

/** The name a teacher knows the person by; the platform id when the platform sent no name. */
function displayName(p: ParticipantProgress, t: TFunction): string {
  if (isErasedSub(p.sub)) return t('privacy.deleted_user');
  const joined = [p.givenName, p.familyName].filter(Boolean).join(' ');
  return p.name || joined || t('progress.unnamed', { id: p.sub });
}

/** A score on the page, formatted by the one rule (formatScore). */
const percent = (value: number | null, lang: Language) => (value === null ? null : formatScore(value, lang));
/** The same score in a CSV cell: the number alone, in the language's own decimal mark. */
const percentCell = (value: number | null, lang: Language) => (value === null ? null : formatScoreNumber(value, lang));
const minutes = (seconds: number) => Math.round(seconds / 60);

/** What the grade column says: the state word, and for a failure Silta's reason and the platform's own words. */
function gradeView(p: ParticipantProgress, lang: Language, t: TFunction) {
  const grade = p.grade;
  if (!grade)
    return {
      state: 'none',
      id: null,
      label: t('progress.grade.none'),
      tries: 0,
      reason: null,
      platformMessage: null,
      canRetry: false,
    };
  const reasonKey = grade.lastErrorCode ? `errors.${grade.lastErrorCode}` : null;
  const troubled = grade.status === 'failed' || (grade.status === 'pending' && grade.tries > 0);
  return {
    state: grade.status,
    id: grade.id,
    label: t(`progress.grade.${grade.status}`),
    tries: grade.tries,
    reason: troubled && reasonKey && hasKey(lang, reasonKey) ? t(reasonKey) : null,
    platformMessage: troubled ? grade.lastError : null,
    canRetry: grade.status === 'failed',
  };
}

/** Counts for the summary at the top of the page. */
function countsOf(learners: ParticipantProgress[]) {
  const count = (status: ParticipantProgress['status']) => learners.filter((p) => p.status === status).length;
  return {
    completed: count('completed'),
    inProgress: count('in_progress'),
    notStarted: count('not_started'),
    gradesFailed: learners.filter((p) => p.grade?.status === 'failed').length,
  };
}

/** The teacher view page: counts, one table row per learner, reflections per learner. */
export function presentProgress(report: ProgressReport, pack: ModulePack, lang: Language, t: TFunction) {
  const reflectionTitles = new Map(
    pack.steps.filter((s) => s.kind === 'reflection').map((s) => [s.id, s.content[lang].title]),
  );
  const rows = report.learners.map((p, index) => ({
    key: `learner-${index + 1}`,
    name: displayName(p, t),
    email: p.email,
    status: p.status,
    statusLabel: t(`progress.status.${p.status}`),
    retrying: p.retrying,
    inactive: p.inactive,
    notOnRoster: !p.onRoster,
    steps: p.status === 'not_started' ? null : { done: p.stepsDone, total: p.stepsTotal },
    latestScore: percent(p.latestScore, lang),
    bestScore: percent(p.bestScore, lang),
    minutes: p.attempts ? minutes(p.timeSpentSeconds) : null,
    attempts: p.attempts,
    version: p.status === 'not_started' ? null : p.version,
    grade: gradeView(p, lang, t),
  }));
  const reflections = report.learners.flatMap((p, index) =>
    p.reflections.length
      ? [
          {
            name: rows[index].name,
            items: p.reflections.map((r) => ({ title: reflectionTitles.get(r.stepId) ?? r.stepId, text: r.text })),
          },
        ]
      : [],
  );
  const counts = countsOf(report.learners);
  return {
    moduleTitle: pack.title[lang],
    slug: pack.slug,
    rosterNotice: report.source.kind === 'known' ? t(`progress.source.${report.source.reason}`) : null,
    staffCount: report.staffCount,
    counts,
    total: rows.length,
    rows,
    reflections,
    hasReflectionSteps: reflectionTitles.size > 0,
  };
}

/** The CSV export: a header row in the page language, then one row per learner. */
export function progressCsvRows(report: ProgressReport, pack: ModulePack, lang: Language, t: TFunction): CsvCell[][] {
  const header = [
    t('progress.csv.name'),
    t('progress.csv.email'),
    t('progress.csv.status'),
    t('progress.csv.steps_done', { total: pack.steps.length }),
    t('progress.csv.score'),
    t('progress.csv.best_score'),
    t('progress.csv.time_spent'),
    t('progress.csv.attempts'),
    t('progress.csv.grade_state'),
    t('progress.csv.last_error'),
  ];
  const rows = report.learners.map((p) => {
    const grade = gradeView(p, lang, t);
    return [
      displayName(p, t),
      p.email,
      t(`progress.status.${p.status}`),
      p.stepsDone,
      percentCell(p.latestScore, lang),
      percentCell(p.bestScore, lang),
      minutes(p.timeSpentSeconds),
      p.attempts,
      grade.label,
      grade.platformMessage,
    ];
  });
  return [header, ...rows];
}

/** The download's file name: the module slug and the date, nothing from user input. */
export function progressCsvFilename(pack: ModulePack, now = new Date()): string {
  return `silta-${pack.slug}-progress-${now.toISOString().slice(0, 10)}.csv`;
}
