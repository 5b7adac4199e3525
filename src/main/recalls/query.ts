import { sql } from 'kysely';
import { monthOf, recallStateOf } from '../../shared/recalls/rules';
import { type RecallItem, type RecallSettings, SENIOR_FROM, YOUNG_UNDER } from '../../shared/recalls/schema';
import type { Db } from '../db/schema';

/*
 * The recall list in one SQL statement over the current prescriptions, so 100,000 customers are
 * answered without reading them into a loop. It says in SQL what shared/recalls/rules.ts says in
 * TypeScript (a test compares the two day for day): keep them in step.
 */

export interface RecallQuery {
  status: 'due' | 'overdue' | 'all';
  consentOnly: boolean;
  limit: number;
  offset: number;
  /** Only this customer (their screen), whatever the status. */
  customerId?: string;
}

interface Row {
  id: string;
  first_name: string;
  last_name: string;
  phone_number: string;
  email: string;
  marketing: number;
  sms: number;
  kind: 'spectacles' | 'contacts' | null;
  exam: string | null;
  due_date: string;
  answered: number;
  overridden: number;
  last_outcome: RecallItem['lastOutcome'];
  last_outcome_date: string | null;
  last_outcome_note: string | null;
  street: string | null;
  zip_code: string | null;
  city: string | null;
  state: string | null;
  has_address: number;
  total: number;
}

export async function queryRecalls(db: Db, settings: RecallSettings, today: string, q: RecallQuery): Promise<{ items: RecallItem[]; total: number }> {
  const month = monthOf(today);
  const stateFilter =
    q.status === 'due'
      ? sql`and not answered and due_date between ${month.start} and ${month.end}`
      : q.status === 'overdue'
        ? sql`and not answered and due_date < ${month.start}`
        : sql``;
  const consentFilter = q.consentOnly ? sql`and (marketing or sms)` : sql``;
  const customerFilter = q.customerId === undefined ? sql`` : sql`and c.id = ${q.customerId}`;
  const { rows } = await sql<Row>`
    with live as (
      -- One row per customer: its latest exam among versions nothing corrects (same day: the later
      -- version). SQLite takes the bare columns from the row max() chose.
      select p.customer_id, max(p.exam_date || printf('%010d', p.version)) as pick, substr(p.exam_date, 1, 10) as exam, p.rx
      from prescriptions p
      where not exists (select 1 from prescriptions n where n.corrects_id = p.id)
      group by p.customer_id
    ),
    base as (
      select c.id, c.first_name, c.last_name, c.phone_number, c.email,
             c.marketing_consent_at is not null as marketing, c.sms_consent_at is not null as sms,
             live.exam, case when live.exam is not null then coalesce(json_extract(live.rx, '$.kind'), 'spectacles') end as kind, o.type as otype, o.months as omonths, o.due_date as odate, o.set_at as oset,
             case when length(c.date_of_birth) >= 10 and live.exam is not null
               then cast(substr(live.exam, 1, 4) as integer) - cast(substr(c.date_of_birth, 1, 4) as integer)
                    - (substr(live.exam, 6, 5) < substr(c.date_of_birth, 6, 5))
             end as age
      from customers c
      left join live on live.customer_id = c.id
      left join recall_overrides o on o.customer_id = c.id
      where c.deleted_at is null and c.purged_at is null
        and (o.type is null or o.type != 'none')
        and (live.exam is not null or o.type = 'date')
        ${customerFilter}
    ),
    timed as (
      select *,
        case when otype = 'months' then omonths
             else (case when kind = 'contacts' then ${settings.contactsMonths} else ${settings.spectaclesMonths} end)
        end as kind_months
      from base
    ),
    spans as (
      select *,
        case when otype = 'months' then kind_months
             when age is not null and age < ${YOUNG_UNDER} then min(kind_months, ${settings.youngMonths})
             when age is not null and age >= ${SENIOR_FROM} then min(kind_months, ${settings.seniorMonths})
             else kind_months
        end as months
      from timed
    ),
    dated as (
      select *,
        case when otype = 'date' then odate
             -- addMonths: the same day in the target month, or its last day (29/02 + 12 months = 28/02).
             else min(
               date(exam, 'start of month', '+' || months || ' months', '+' || (cast(substr(exam, 9, 2) as integer) - 1) || ' days'),
               date(exam, 'start of month', '+' || (months + 1) || ' months', '-1 day'))
        end as due_date,
        exists (select 1 from recall_outcomes r where r.customer_id = spans.id and r.outcome in ('booked', 'declined')
                and (spans.exam is null or r.date > spans.exam)
                -- A rule staff set after an answer asks for a new call: only later answers count.
                and (spans.oset is null or r.recorded_at >= spans.oset)) as answered
      from spans
    )
    select page.*, lo.outcome as last_outcome, lo.date as last_outcome_date, lo.note as last_outcome_note,
           a.street, a.zip_code, a.city, a.state, a.id is not null as has_address
    from (
      select d.id, d.first_name, d.last_name, d.phone_number, d.email, d.marketing, d.sms, d.kind, d.exam, d.due_date, d.answered,
             d.otype is not null as overridden, count(*) over () as total
      from dated d
      where 1 ${stateFilter} ${consentFilter}
      order by d.due_date, d.last_name, d.first_name, d.id
      limit ${q.limit} offset ${q.offset}
    ) as page
    -- The last try, read for the page only.
    left join recall_outcomes lo on lo.id = (
      select r.id from recall_outcomes r where r.customer_id = page.id order by r.date desc, r.recorded_at desc limit 1)
    left join customer_addresses a on a.customer_id = page.id
    order by page.due_date, page.last_name, page.first_name, page.id
  `.execute(db);
  const total = rows[0]?.total ?? (q.offset > 0 ? await countOnly(db, settings, today, q) : 0);
  return { items: rows.map((r) => itemOf(r, today)), total };
}

/** A page past the end still says how many there are. */
async function countOnly(db: Db, settings: RecallSettings, today: string, q: RecallQuery): Promise<number> {
  const { total } = await queryRecalls(db, settings, today, { ...q, offset: 0, limit: 1 });
  return total;
}

function itemOf(r: Row, today: string): RecallItem {
  return {
    customerId: r.id,
    firstName: r.first_name,
    lastName: r.last_name,
    phoneNumber: r.phone_number,
    email: r.email,
    address: r.has_address ? { street: r.street ?? '', zipCode: r.zip_code ?? '', city: r.city ?? '', state: r.state ?? '' } : null,
    consent: { marketing: r.marketing === 1, sms: r.sms === 1 },
    kind: r.kind,
    lastExamDate: r.exam,
    dueDate: r.due_date,
    state: recallStateOf(r.due_date, r.answered === 1, today),
    lastOutcome: r.last_outcome,
    lastOutcomeDate: r.last_outcome_date,
    lastOutcomeNote: r.last_outcome_note,
    overridden: r.overridden === 1,
  };
}
