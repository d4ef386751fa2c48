-- The change log behind every shape (see docs/sync.md). Triggers on each synced table append to
-- sync_changes in the writing transaction, so every source of change (mutations, ingestion, the console,
-- plain SQL) reaches the shape logs exactly once.
--
-- Commit order: a statement-level BEFORE trigger takes one transaction-scoped advisory lock before the
-- statement touches a row, so transactions that write synced tables commit one at a time and seq order
-- is commit order. A reader that sees seq N therefore sees every smaller seq (or it was rolled back):
-- it can never skip a change that commits later with a smaller seq.

-- Which agents may see a row. NULL: every user of the row's brokerage. Otherwise an array of agent ids,
-- where '' means "unassigned contact: every agent". Managers see their whole brokerage regardless.
-- contact_agent overrides the owning contact's agent (used to compute the scope a row had before a
-- contact was reassigned).
CREATE OR REPLACE FUNCTION sync_row_scope(tbl text, r jsonb, contact_agent text DEFAULT NULL)
RETURNS text[] LANGUAGE plpgsql STABLE AS $$
DECLARE
  agent text;
BEGIN
  IF tbl = 'contacts' THEN
    RETURN ARRAY[coalesce(r->>'assigned_agent_id', '')];
  END IF;
  IF tbl NOT IN ('properties', 'events', 'alerts', 'alert_outcomes', 'notes', 'tasks', 'activities', 'campaign_sends', 'conflicts') THEN
    RETURN NULL;
  END IF;
  IF r->>'contact_id' IS NULL THEN
    agent := '';
  ELSE
    agent := coalesce(contact_agent, (SELECT coalesce(c.assigned_agent_id, '') FROM contacts c WHERE c.id = r->>'contact_id'), '');
  END IF;
  IF tbl = 'alerts' THEN
    RETURN ARRAY[agent, coalesce(r->>'assigned_agent_id', agent)];
  ELSIF tbl = 'tasks' THEN
    IF r->>'contact_id' IS NULL THEN
      RETURN ARRAY[coalesce(r->>'assignee_id', '')];
    END IF;
    RETURN ARRAY[agent, coalesce(r->>'assignee_id', agent)];
  END IF;
  RETURN ARRAY[agent];
END $$;
--> statement-breakpoint

-- Every logged change also wakes the live requests of its table: the statement-level sync_notify trigger
-- only covers the table a statement wrote, not the dependants sync_move_dependents re-emits for it
-- (Postgres delivers one notification per distinct payload and transaction, at commit).
CREATE OR REPLACE FUNCTION sync_log(tbl text, brokerage text, scope text[], op text, r jsonb)
RETURNS void LANGUAGE sql AS $$
  INSERT INTO sync_changes (table_name, brokerage_id, scope, op, row_id, row)
  VALUES (tbl, brokerage, scope, op, r->>'id', r);
  SELECT pg_notify('roi_sync_changes', tbl);
$$;
--> statement-breakpoint

-- When a contact changes hands, everything hanging off it moves between agents' shapes too: a delete
-- for whoever could see it before, then the whole row for whoever can see it now.
CREATE OR REPLACE FUNCTION sync_move_dependents(contact text, old_agent text, brokerage text)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  tbl text;
  rec record;
  old_scope text[];
  new_scope text[];
BEGIN
  FOREACH tbl IN ARRAY ARRAY['properties', 'events', 'alerts', 'alert_outcomes', 'notes', 'tasks', 'activities', 'campaign_sends', 'conflicts'] LOOP
    FOR rec IN EXECUTE format('SELECT to_jsonb(t) AS r FROM %I t WHERE t.contact_id = $1 ORDER BY t.id', tbl) USING contact LOOP
      old_scope := sync_row_scope(tbl, rec.r, old_agent);
      new_scope := sync_row_scope(tbl, rec.r);
      IF old_scope IS DISTINCT FROM new_scope THEN
        PERFORM sync_log(tbl, brokerage, old_scope, 'delete', jsonb_build_object('id', rec.r->'id'));
        PERFORM sync_log(tbl, brokerage, new_scope, 'insert', rec.r);
      END IF;
    END LOOP;
  END LOOP;
END $$;
--> statement-breakpoint

CREATE OR REPLACE FUNCTION sync_capture_row() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  new_row jsonb;
  old_row jsonb;
  brokerage text;
  old_brokerage text;
  old_scope text[];
  new_scope text[];
  diff jsonb;
BEGIN
  IF TG_OP <> 'DELETE' THEN new_row := to_jsonb(NEW); END IF;
  IF TG_OP <> 'INSERT' THEN old_row := to_jsonb(OLD); END IF;
  brokerage := CASE WHEN TG_TABLE_NAME = 'brokerages' THEN coalesce(new_row, old_row)->>'id'
                    ELSE coalesce(new_row, old_row)->>'brokerage_id' END;
  IF TG_OP = 'INSERT' THEN
    PERFORM sync_log(TG_TABLE_NAME, brokerage, sync_row_scope(TG_TABLE_NAME, new_row), 'insert', new_row);
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM sync_log(TG_TABLE_NAME, brokerage, sync_row_scope(TG_TABLE_NAME, old_row), 'delete', jsonb_build_object('id', old_row->'id'));
  ELSE
    old_brokerage := CASE WHEN TG_TABLE_NAME = 'brokerages' THEN old_row->>'id' ELSE old_row->>'brokerage_id' END;
    old_scope := sync_row_scope(TG_TABLE_NAME, old_row);
    new_scope := sync_row_scope(TG_TABLE_NAME, new_row);
    -- A row that changes scope, brokerage or primary key leaves the shapes that held it (a delete where it
    -- was) and enters the ones that now hold it whole: a patch would reach users who never had the row.
    IF old_scope IS DISTINCT FROM new_scope OR old_brokerage IS DISTINCT FROM brokerage OR (old_row->'id') IS DISTINCT FROM (new_row->'id') THEN
      PERFORM sync_log(TG_TABLE_NAME, old_brokerage, old_scope, 'delete', jsonb_build_object('id', old_row->'id'));
      PERFORM sync_log(TG_TABLE_NAME, brokerage, new_scope, 'insert', new_row);
    ELSE
      SELECT coalesce(jsonb_object_agg(n.key, n.value), '{}'::jsonb) INTO diff
        FROM jsonb_each(new_row) n WHERE old_row->n.key IS DISTINCT FROM n.value;
      IF diff <> '{}'::jsonb THEN
        PERFORM sync_log(TG_TABLE_NAME, brokerage, new_scope, 'update', diff || jsonb_build_object('id', new_row->'id'));
      END IF;
    END IF;
    IF TG_TABLE_NAME = 'contacts' AND (old_row->>'assigned_agent_id') IS DISTINCT FROM (new_row->>'assigned_agent_id') THEN
      PERFORM sync_move_dependents(new_row->>'id', coalesce(old_row->>'assigned_agent_id', ''), brokerage);
    END IF;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint

-- Two ints (7300, 2): the migration lock is (7300, 1).
CREATE OR REPLACE FUNCTION sync_serialize_writers() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(7300, 2);
  RETURN NULL;
END $$;
--> statement-breakpoint

-- Wakes live shape requests on every server instance (payloads are de-duplicated per transaction).
CREATE OR REPLACE FUNCTION sync_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('roi_sync_changes', TG_TABLE_NAME);
  RETURN NULL;
END $$;
--> statement-breakpoint

DO $$
DECLARE
  tbl text;
BEGIN
  FOREACH tbl IN ARRAY ARRAY['brokerages', 'users', 'contacts', 'properties', 'market_sales', 'events', 'alerts', 'alert_outcomes', 'notes', 'tasks', 'activities', 'campaigns', 'campaign_sends', 'suppressions', 'conflicts'] LOOP
    EXECUTE format('CREATE TRIGGER sync_serialize BEFORE INSERT OR UPDATE OR DELETE ON %I FOR EACH STATEMENT EXECUTE FUNCTION sync_serialize_writers()', tbl);
    EXECUTE format('CREATE TRIGGER sync_capture AFTER INSERT OR UPDATE OR DELETE ON %I FOR EACH ROW EXECUTE FUNCTION sync_capture_row()', tbl);
    EXECUTE format('CREATE TRIGGER sync_notify AFTER INSERT OR UPDATE OR DELETE ON %I FOR EACH STATEMENT EXECUTE FUNCTION sync_notify()', tbl);
  END LOOP;
END $$;
