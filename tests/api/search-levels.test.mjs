// The search index's two levels (docs/architecture.md "Search"): an intake
// or a step writes its terms as one row of the recent level; the merger
// moves them into the term-ordered level. A search must find the same
// complaints, with the same total and the same ranking, whichever level
// holds them — and an erasure or a correction must hold across both. The
// server runs with no background merger, so each test decides when the
// recent level is merged (POST /api/v1/search/index/merge, an
// administrator's). The same file runs on SQLite and PostgreSQL.

import assert from 'node:assert/strict';
import { useServer, describe, uniquePhone, runCli, runSqlite, runPsql } from './lib.mjs';

const srv = useServer({ env: { REDRESS_SEARCH_MERGE_INTERVAL: '0' } });

// n random CJK characters of the common block (U+5000–U+7FFF).
function cjk(n) {
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCodePoint(0x5000 + Math.floor(Math.random() * 0x3000));
  return s;
}

async function search(q, extra = '') {
  const r = await srv.as('agent1', 'GET', `/complaints?q=${encodeURIComponent(q)}${extra}`);
  assert.equal(r.status, 200, `q=${q}: ${describe(r)}`);
  return r.json;
}

const ids = (page) => page.items.map((x) => x.id);

async function recentRows() {
  const r = await srv.as('admin', 'GET', '/search/index');
  assert.equal(r.status, 200, describe(r));
  return r.json.recent_rows;
}

async function merge() {
  const r = await srv.as('admin', 'POST', '/search/index/merge');
  assert.equal(r.status, 200, describe(r));
  assert.equal(r.json.recent_rows, 0, 'a merge on demand empties the recent level');
  return r.json.merged_rows;
}

srv.test('an intake is one row of the recent level, found at once; a merge moves it and the search is unchanged', async () => {
  const w = cjk(2);
  await merge();
  const a = await srv.intake('agent1', { description: `${w}${w}${w}，油品问题` });
  assert.equal(await recentRows(), 1, 'one row of index for one intake');
  assert.deepEqual(ids(await search(w)), [a.id], 'searchable as soon as it is acknowledged');
  assert.equal(await merge(), 1);
  const b = await srv.intake('agent1', { description: `只提到一次${w}，还有很多别的文字让它更长一些` });
  const c = await srv.intake('agent1', { demand: `${w}${w}` });
  // Now a is merged, b and c are recent: every order and total agrees with all merged.
  const before = {
    created: await search(w, '&sort=created'),
    relevance: await search(w, '&sort=relevance'),
    page1: await search(w, '&sort=relevance&limit=1'),
    page2: await search(w, '&sort=relevance&limit=1&cursor=r1'),
  };
  assert.deepEqual(ids(before.created), [c.id, b.id, a.id]);
  assert.equal(before.created.total, 3);
  assert.equal(before.relevance.total, 3);
  assert.equal(await merge(), 2);
  const after = {
    created: await search(w, '&sort=created'),
    relevance: await search(w, '&sort=relevance'),
    page1: await search(w, '&sort=relevance&limit=1'),
    page2: await search(w, '&sort=relevance&limit=1&cursor=r1'),
  };
  for (const k of Object.keys(before)) {
    assert.deepEqual(ids(before[k]), ids(after[k]), `${k}: the same complaints in the same order on both levels`);
    assert.equal(before[k].total, after[k].total, `${k}: the same total`);
  }
  assert.deepEqual([...ids(after.page1), ...ids(after.page2)], ids(after.relevance).slice(0, 2));
});

srv.test('complaints of equal score rank the same whether merged or recent', async () => {
  const w = cjk(2), d = `相同的内容${w}`;
  const made = [await srv.intake('agent1', { description: d })];
  await merge();
  made.push(await srv.intake('agent1', { description: d }));
  made.push(await srv.intake('agent1', { description: d }));
  const before = await search(w, '&sort=relevance');
  await merge();
  const after = await search(w, '&sort=relevance');
  assert.deepEqual(ids(before), ids(after));
  assert.equal(before.total, 3);
});

srv.test('a word of the intake (merged) and a word of a later comment (recent) find the complaint together', async () => {
  const w1 = cjk(2), w2 = cjk(2);
  const c = await srv.intake('agent1', { description: `现场${w1}` });
  await merge();
  await srv.step('agent1', c.id, 'comment', { text: `回访：${w2}` });
  assert.ok((await recentRows()) >= 1);
  let r = await search(`${w1} ${w2}`);
  assert.deepEqual(ids(r), [c.id]);
  assert.equal(r.total, 1);
  // The same word in both levels counts once as a complaint (and its occurrences add up).
  await srv.step('agent1', c.id, 'comment', { text: `再次${w1}` });
  r = await search(w1);
  assert.deepEqual(ids(r), [c.id]);
  assert.equal(r.total, 1);
  await merge();
  r = await search(`${w1} ${w2}`);
  assert.deepEqual(ids(r), [c.id]);
  assert.equal(r.total, 1);
});

srv.test('a cursor page continues across the levels without a gap or a repeat', async () => {
  const w = cjk(2);
  const made = [];
  for (let i = 0; i < 3; i++) made.push((await srv.intake('agent1', { description: `第${i}条${w}` })).id);
  await merge();
  for (let i = 3; i < 6; i++) made.push((await srv.intake('agent1', { description: `第${i}条${w}` })).id);
  const seen = [];
  let cursor = '';
  for (let guard = 0; guard < 10; guard++) {
    const r = await search(w, `&sort=created&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    assert.equal(r.total, 6);
    seen.push(...ids(r));
    if (!r.next_cursor) break;
    cursor = r.next_cursor;
  }
  assert.deepEqual(seen, [...made].reverse());
});

srv.test('erasure removes the complaint from the index, in the recent level and after merging', async () => {
  for (const merged of [false, true]) {
    const phone = uniquePhone(), w = cjk(3);
    await srv.intake('agent1', { customer: { phone }, description: `需要删除${w}` });
    if (merged) await merge();
    assert.equal((await search(w)).total, 1);
    const rows = await recentRows();
    const r = await srv.as('super1', 'POST', '/customers/erase', { body: { phone, confirm: true } });
    assert.equal(r.status, 200, describe(r));
    assert.equal((await search(w)).total, 0, merged ? 'erased after merging' : 'erased in the recent level');
    assert.equal((await search(phone)).total, 0);
    if (!merged) assert.ok((await recentRows()) < rows, 'its recent row is gone');
    await merge();
    assert.equal((await search(w)).total, 0, 'and stays gone after a merge');
  }
});

srv.test('a correction of the customer is found, in the recent level and after merging', async () => {
  for (const merged of [false, true]) {
    const phone = uniquePhone(), newPhone = uniquePhone(), name = cjk(3);
    const c = await srv.intake('agent1', { customer: { phone } });
    if (merged) await merge();
    const r = await srv.as('agent1', 'POST', '/customers/correct', { body: { phone, customer: { phone: newPhone, name } } });
    assert.equal(r.status, 200, describe(r));
    assert.deepEqual(ids(await search(name)), [c.id]);
    assert.deepEqual(ids(await search(newPhone)), [c.id]);
    await merge();
    assert.deepEqual(ids(await search(name)), [c.id]);
    assert.equal((await search(name)).total, 1);
  }
});

srv.test('the index routes are an administrator’s; unknown parameters are 400; the metrics show the level', async () => {
  let r = await srv.as('agent1', 'GET', '/search/index');
  assert.equal(r.status, 403);
  r = await srv.as('agent1', 'POST', '/search/index/merge');
  assert.equal(r.status, 403);
  r = await srv.as('admin', 'GET', '/search/index?x=1');
  assert.equal(r.status, 400);
  assert.equal(r.json.error.field, 'x');
  await srv.intake('agent1', { description: cjk(4) });
  const n = await recentRows();
  assert.ok(n >= 1);
  const m = (await srv.api('GET', '/metrics')).text;
  assert.match(m, new RegExp(`^redress_search_recent_rows ${n}$`, 'm'));
});

const sql = (text) => (srv.isSqlite ? runSqlite(srv.dbPath, text) : runPsql(srv.dbUrl, text));

srv.test('redress search reindex rebuilds a missing index from the sealed text: the same matches, total and ranking', async () => {
  const w = cjk(2), phone = uniquePhone(), name = cjk(3);
  const a = await srv.intake('agent1', { customer: { phone, name }, description: `${w}${w}，${w}` });
  const b = await srv.intake('agent1', { description: `一次${w}` });
  await srv.step('agent1', b.id, 'comment', { text: `回访记录 ${w}` });
  await merge();
  const c = await srv.intake('agent1', { description: `最新的${w}` }); // still in the recent level
  const before = await search(w, '&sort=relevance');
  assert.equal(before.total, 3);
  // As if stored before the index existed: no rows in either level, no length.
  const numbers = [a, b, c].map((x) => `'${x.number}'`).join(', ');
  const rows = (await sql(`SELECT id FROM complaints WHERE number IN (${numbers})`)).trim().split(/\s+/);
  assert.equal(rows.length, 3);
  const idList = rows.join(', ');
  await sql(`DELETE FROM search_terms WHERE complaint_id IN (${idList}); DELETE FROM search_recent WHERE complaint_id IN (${idList}); ` +
    `DELETE FROM search_docs WHERE complaint_id IN (${idList})`);
  assert.equal((await search(w)).total, 0, 'the index is gone');
  const r = await runCli(['search', 'reindex', '--db', srv.dbUrl]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /reindex: [1-9][0-9]* complaints indexed/);
  const after = await search(w, '&sort=relevance');
  assert.deepEqual(ids(after), ids(before), 'the same complaints in the same order');
  assert.equal(after.total, 3);
  assert.deepEqual(ids(await search(name)), [a.id], 'the customer\'s name, from the sealed intake');
  assert.deepEqual(ids(await search(phone.slice(-4) + ' ' + w)), [a.id], 'the phone\'s last four digits');
  assert.deepEqual(ids(await search(`回访记录 ${w}`)), [b.id], 'a comment\'s words');
  assert.deepEqual(ids(await search(a.number)), [a.id], 'the number');
  // A second run finds nothing left to do: it resumes where the first stopped.
  const again = await runCli(['search', 'reindex', '--db', srv.dbUrl]);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /reindex: 0 complaints indexed/);
});
