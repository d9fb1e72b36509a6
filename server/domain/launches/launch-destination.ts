/**
 * Where a resource link launch opens: the page of what the link was placed as (a module, the
 * board, a live session), or `null` for the landing page. Links placed by deep linking carry
 * what they are in their custom parameters.
 */
export function launchDestination(
  launch: { custom: Record<string, string>; hasResourceLink: boolean },
  lt: string,
): string | null {
  if (!launch.hasResourceLink) return null;
  if (launch.custom.module) return `/modules?lt=${lt}`;
  if (launch.custom.target === 'board') return `/board?lt=${lt}`;
  if (launch.custom.target === 'session') return `/sessions/start?lt=${lt}`;
  return null;
}
