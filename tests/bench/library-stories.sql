-- Library stories for the library benchmark (100,000 unless the bench replaces the number below),
-- in the demo organisation: 400 ended workshops of 8 teams over two years. Runs unchanged on
-- PostgreSQL and PGlite. Triggers are skipped (replica mode): announcements are pointless here,
-- so org_id is set directly.
--
-- Word frequencies follow a Zipf(-Mandelbrot) law over 3,000 words, so searches match what they
-- would in a real library: 85 service words are the most frequent (the top ones appear in two
-- stories of three, rank 85 in one of eight), made-up words of two or three syllables make up the
-- long tail (rank 1,000 in ~1.3 %, rank 3,000 in ~0.4 %), and each story thanks a person whose
-- made-up name appears in only a handful of stories (5 each). Nothing generates a word with an x.
-- Deterministic (setseed): the same stories, and the same counts, on both engines. ~15 s on
-- PostgreSQL, ~25-35 s on PGlite, mostly computing the search column.
select set_config('bench.stories', '100000', false);
select setseed(0.42);
set session_replication_role = replica;

create temporary table bench_vocabulary as
select
  -- Ranks 1-85: the service words, most frequent first (59-81 are adjectives, for the feeling).
  string_to_array(
    'customer call agent service phone store order refund wait help delivery team issue time manager '
    || 'account bill email queue problem staff online chat parcel shop broadband router engineer '
    || 'billing invoice apology callback counter checkout upgrade contract outage signal waited listened '
    || 'promised forgot smiled explained ignored fixed escalated followed rang transferred cancelled '
    || 'charged credited replaced booked visited returned welcomed patient rude friendly slow quick '
    || 'clear confusing helpful careless thoughtful honest late early warm cold calm angry relieved '
    || 'grateful frustrated surprised delighted anxious network payment complaint survey', ' ') as common,
  -- 75 syllables: ranks above 85 are two of them (a third for every third rank), names three + n.
  array(select c || v from unnest(string_to_array('b d f g k l m n p r s t v z br', ' ')) c,
                           unnest(string_to_array('a e i o u', ' ')) v order by c, v) as syl;

-- The word of a Zipf rank (1 = most frequent). Inlined by the planner: a plain SQL expression.
create function pg_temp.bench_word(r int, common text[], syl text[]) returns text
language sql immutable
as $$
  select case when r <= cardinality(common) then common[r]
         else syl[1 + r % 75] || syl[1 + (r / 75) % 75] || case when r % 3 = 0 then syl[1 + (r * 7) % 75] else '' end
         end
$$;

-- A Zipf-Mandelbrot rank in 1..3000 (s = 1, q = 10) by inverting its continuous distribution.
create function pg_temp.bench_rank() returns int
language sql volatile
as $$ select floor(11 * power(3010 / 11.0, random()) - 10)::int $$;

with org as (select id from organisations where is_demo order by created_at limit 1),
teams as (select t, 'Team ' || (array['North','South','East','West','Retail','Field','Online','Business'])[t] as name
          from generate_series(1, 8) t)
insert into workshops (id, org_id, title, team_name, join_code, status, stage, created_at, started_at, ended_at)
select gen_random_uuid(), (select id from org), 'Bench workshop ' || i, (select name from teams where t = 1 + i % 8),
       'QB' || translate(lpad(i::text, 4, '0'), '0123456789', 'ACDEFGHJKM'), 'ended', 'wrapup',
       w.ended - interval '2 hours', w.ended - interval '2 hours', w.ended
from generate_series(1, 400) i,
     -- Spread over the last two years, the newest ended just now.
     lateral (select now() - make_interval(days => 730 - i * 73 / 40) as ended) w;

with bench as (select id, org_id, ended_at, row_number() over (order by created_at) - 1 as n
               from workshops where title like 'Bench workshop %'),
     total as (select current_setting('bench.stories')::int as n)
insert into stories (workshop_id, org_id, kind, perspective, title, body, feeling, company, themes, consent,
                     author_name, idempotency_key, created_at, library_at, reaction_count, featured_at)
select b.id, b.org_id,
       case when random() < 0.6 then 'good' else 'bad' end,
       case when random() < 0.7 then 'customer' else 'employee' end,
       -- (Subqueries rather than a function: a function holding a query costs a call per story.)
       initcap((select string_agg(pg_temp.bench_word(r, v.common, v.syl), ' ' order by k)
                from (select k, pg_temp.bench_rank() as r from generate_series(1, 3 + i % 4) k) t)),
       -- 40-100 words, then the person: 5 stories per name (i modulo a fifth of the stories).
       'It was the ' || (select string_agg(pg_temp.bench_word(r, v.common, v.syl), ' ' order by k)
                         from (select k, pg_temp.bench_rank() as r from generate_series(1, 40 + (random() * 60)::int) k) t)
         || '. Thanks to '
         || initcap(v.syl[1 + p % 75] || v.syl[1 + (p / 75) % 75] || v.syl[1 + (p / 5625) % 75] || 'n') || '.',
       pg_temp.bench_word(59 + (random() * 22)::int, v.common, v.syl),
       case when i % 4 = 0 then null else (array['Harbour Telecom','Bayside Energy','Northwind Rail','City Bank'])[1 + i % 4] end,
       -- One or two starter themes (the first ones more often), now and then a tag of the team's own.
       array(select distinct t from unnest(array[
         (array['empathy','speed','ownership','follow-through','personal touch','accountability','clarity','listening'])
           [1 + floor(8 * power(random(), 2))::int],
         case when random() < 0.5 then
           (array['empathy','speed','ownership','follow-through','personal touch','accountability','clarity','listening'])
             [1 + floor(8 * random())::int] end,
         case when random() < 0.1 then (array['hand-offs','trust','records','fairness','tone'])[1 + i % 5] end
       ]) t where t is not null),
       case when i % 2 = 0 then 'library_anonymous' else 'library_named' end,
       case when i % 2 = 0 then null else 'Bench person ' || (i % 500) end,
       gen_random_uuid(), b.ended_at - interval '1 hour', b.ended_at,
       -- Most stories get a few reactions, a few get many.
       floor(40 * power(random(), 4))::int,
       case when i % 997 = 0 then b.ended_at else null end
from total, bench_vocabulary v,
     lateral (select i, (i % greatest(1, total.n / 5)) as p from generate_series(1, total.n) i) s
join bench b on b.n = i % 400;

-- The rest of each workshop, for the Insights page: twelve people, ten of them with a mood; ten
-- obstacles from 40 recurring ones in three wordings each (so similar wordings must be grouped),
-- ranked in a revealed dot vote; three actions; a vision statement, a rallying cry, and four
-- personal visions (one kept private, one for the room, two shared with the organisation).
insert into participants (workshop_id, display_name, joined_at, last_seen_at)
select b.id, 'Bench participant ' || p, b.ended_at - interval '2 hours', b.ended_at
from workshops b, generate_series(1, 12) p
where b.title like 'Bench workshop %';

insert into moods (workshop_id, participant_id, score, created_at, updated_at)
select p.workshop_id, p.id, 1 + floor(5 * power(random(), 0.6))::int, p.joined_at, p.joined_at
from participants p join workshops b on b.id = p.workshop_id
where b.title like 'Bench workshop %' and p.display_name not in ('Bench participant 11', 'Bench participant 12');

create temporary table bench_obstacle_words as
select o, w, (array[
  'Slow hand-offs between teams', 'Refund approvals take too long', 'Nobody owns the callback',
  'Systems crash at month end', 'Too many transfers between departments', 'No time to call customers back',
  'Policies stop us from helping', 'Targets reward speed over care', 'Customer history is hard to find',
  'Managers are never available', 'Training is out of date', 'Scripts sound robotic',
  'Queues are too long at lunch', 'Complaints bounce between teams', 'Billing errors repeat every month',
  'Engineers miss their appointments', 'We cannot see the order status', 'Too many tools to log into',
  'Nobody tells us about outages', 'Feedback never reaches the product team', 'Rotas leave the phones short',
  'Escalations take days', 'Customers repeat their story', 'Knowledge base is wrong',
  'Chat and phone give different answers', 'No authority to offer goodwill', 'Returns process is confusing',
  'Call recordings are never reviewed', 'New starters are thrown in', 'Stores and online do not talk',
  'Surveys come too late to act on', 'Promises made by sales we cannot keep', 'Hold music drives people mad',
  'We find out about changes from customers', 'Parcels go to the wrong depot', 'Appointments cannot be moved online',
  'Agents are afraid to say sorry', 'Letters are full of jargon', 'Night shift has no support',
  'Every fix needs a ticket'])[o] as base
from generate_series(1, 40) o, generate_series(1, 3) w;
update bench_obstacle_words set base = case w
  when 2 then lower(base) || '!'
  when 3 then 'The ' || lower(base) || ' again'
  else base end;

-- The first obstacles of the list come up most (a quadratic skew), in any of their wordings.
insert into obstacles (workshop_id, text, created_at)
select b.id, t.base, b.ended_at - interval '90 minutes'
from workshops b
cross join lateral (
  -- (Naming b keeps the picks apart per workshop: an uncorrelated subquery might be run once.)
  select 1 + floor(40 * power(random(), 2))::int as o, 1 + floor(3 * random())::int as w
  from generate_series(1, 10) k where b.id is not null
) pick
join bench_obstacle_words t on t.o = pick.o and t.w = pick.w
where b.title like 'Bench workshop %';

insert into votes (workshop_id, subject, method, dots, may_stack, status, opened_at, closed_at, revealed_at,
                   result, labels)
select b.id, 'obstacles', 'dot', 3, true, 'revealed', b.ended_at - interval '70 minutes',
       b.ended_at - interval '65 minutes', b.ended_at - interval '64 minutes',
       jsonb_build_object('method', 'dot', 'ballots', 12, 'rounds', '[]'::jsonb, 'winners', '[]'::jsonb,
         'totals', (select jsonb_agg(jsonb_build_object('option', o.id, 'votes', (random() * 8)::int))
                    from obstacles o where o.workshop_id = b.id)),
       (select jsonb_object_agg(o.id, o.text) from obstacles o where o.workshop_id = b.id)
from workshops b
where b.title like 'Bench workshop %';

insert into action_items (workshop_id, obstacle_id, title, owner_name, due_on, status, created_at, updated_at)
select b.id, case when a = 1 then (select o.id from obstacles o where o.workshop_id = b.id limit 1) end,
       'Bench action ' || a, 'Bench owner ' || a, (b.ended_at + make_interval(days => 14 * a))::date,
       (array['open', 'in_progress', 'done', 'done', 'dropped'])[1 + floor(5 * random())::int],
       b.ended_at, b.ended_at
from workshops b, generate_series(1, 3) a
where b.title like 'Bench workshop %';

insert into vision_versions (workshop_id, version, body, created_at)
select b.id, 1, 'Every customer of ' || b.team_name || ' leaves feeling heard, helped and respected.', b.ended_at
from workshops b
where b.title like 'Bench workshop %';

insert into rallying_cries (workshop_id, text, created_at)
select b.id, (array['Let''s Go!', 'Own it!', 'Heard, helped, happy', 'One call, done'])[1 + (hashtext(b.id::text) & 3)],
       b.ended_at
from workshops b
where b.title like 'Bench workshop %';
update workshops b set rallying_cry_id = c.id from rallying_cries c
where c.workshop_id = b.id and b.title like 'Bench workshop %';

insert into personal_visions (workshop_id, participant_id, vision, consent, created_at, updated_at)
select p.workshop_id, p.id, 'I will make every customer feel heard.',
       (array['private', 'room', 'library_anonymous', 'library_named'])[substring(p.display_name from '\d+$')::int],
       p.joined_at, p.joined_at
from participants p join workshops b on b.id = p.workshop_id
where b.title like 'Bench workshop %' and substring(p.display_name from '\d+$')::int <= 4;

set session_replication_role = origin;
-- Triggers count the library as stories join it; this load skipped them, so count it once here.
select app.count_library(array(select id from workshops where title like 'Bench workshop %'));
drop table bench_obstacle_words;
drop function pg_temp.bench_rank();
drop function pg_temp.bench_word(int, text[], text[]);
drop table bench_vocabulary;
analyze;
