import assert from 'node:assert/strict';
import { resultsUrl, scoresUrl } from '../../lti/grades';
import { nextLink, parseRetryAfter, withQuery } from '../../lti/service-client';

describe('AGS service URLs', () => {
  it('puts /scores on the path before Moodle’s type_id query', () => {
    assert.equal(
      scoresUrl('https://moodle.example.fi/mod/lti/services.php/2/lineitems/3/lineitem?type_id=1'),
      'https://moodle.example.fi/mod/lti/services.php/2/lineitems/3/lineitem/scores?type_id=1',
    );
  });

  it('handles a line item URL without a query, with a trailing slash or with several parameters', () => {
    assert.equal(
      scoresUrl('https://lms.example.org/api/lti/courses/7/line_items/12'),
      'https://lms.example.org/api/lti/courses/7/line_items/12/scores',
    );
    assert.equal(scoresUrl('https://lms.example.org/lineitems/12/'), 'https://lms.example.org/lineitems/12/scores');
    assert.equal(
      scoresUrl('https://lms.example.org/lineitems/12?a=1&b=x%20y'),
      'https://lms.example.org/lineitems/12/scores?a=1&b=x%20y',
    );
    assert.equal(
      resultsUrl('https://moodle.example.fi/mod/lti/services.php/2/lineitems/3/lineitem?type_id=1'),
      'https://moodle.example.fi/mod/lti/services.php/2/lineitems/3/lineitem/results?type_id=1',
    );
  });

  it('refuses something that is not a URL', () => {
    assert.throws(() => scoresUrl('lineitems/3/lineitem'));
  });

  it('adds query parameters and keeps the existing ones', () => {
    assert.equal(
      withQuery('https://m.example.fi/lineitems?type_id=1', { resource_link_id: '5', tag: undefined }),
      'https://m.example.fi/lineitems?type_id=1&resource_link_id=5',
    );
  });

  it('reads rel="next" from a Link header, also with Moodle’s typographic quotes', () => {
    assert.equal(nextLink('<https://m.example.fi/m?from=10>; rel="next"'), 'https://m.example.fi/m?from=10');
    const curly = (s: string) => Buffer.from(s, 'utf8').toString('latin1');
    assert.equal(
      nextLink(
        `<https://m.example.fi/a?from=0>; rel=${curly('“first”')}, <https://m.example.fi/a?from=5>; rel=${curly('“next”')}`,
      ),
      'https://m.example.fi/a?from=5',
    );
    assert.equal(
      nextLink('<https://m.example.fi/a?from=0>; rel="first", <https://m.example.fi/a?from=0>; rel="prev"'),
      undefined,
    );
    assert.equal(nextLink(null), undefined);
  });

  it('parses Retry-After as seconds or an HTTP date', () => {
    assert.equal(parseRetryAfter('120'), 120);
    const now = Date.parse('2025-01-01T00:00:00Z');
    assert.equal(parseRetryAfter('Wed, 01 Jan 2025 00:00:30 GMT', now), 30);
    assert.equal(parseRetryAfter('soon'), undefined);
    assert.equal(parseRetryAfter(undefined), undefined);
  });
});
