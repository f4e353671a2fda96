-- Outbox sequences handed out at COMMIT (issue #10). A transaction used to bump the counter row
-- with its outbox insert and hold that row's lock until its COMMIT arrived: one round trip through
-- the API's event loop, which under a burst of live fan-out took tens of milliseconds, and every
-- other write with events queued behind it. Now the insert takes a pending (negative) sequence
-- from a sequence generator, which locks nothing, and a deferred trigger numbers the rows when
-- the transaction commits: the counter's lock is held from the first row's numbering to the end of
-- that COMMIT, inside PostgreSQL. Sequences stay gapless and in commit order (the lock still orders
-- the committing transactions; a rolled-back one never numbers), and other transactions only ever
-- see numbered rows. Not in the Prisma schema, which cannot express a trigger or a bare sequence.

-- CreateSequence
CREATE SEQUENCE "outbox_pending_sequence" AS bigint NO CYCLE;

-- CreateFunction
CREATE FUNCTION "outbox_number_at_commit"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  numbered bigint;
BEGIN
  UPDATE "outbox_counter" SET "last" = "last" + 1 WHERE "id" = 1 RETURNING "last" INTO numbered;
  UPDATE "outbox" SET "sequence" = numbered WHERE "sequence" = NEW."sequence";
  RETURN NULL;
END
$$;

-- CreateTrigger: row by row, in the order the rows were inserted, at COMMIT.
CREATE CONSTRAINT TRIGGER "outbox_number_at_commit" AFTER INSERT ON "outbox"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "outbox_number_at_commit"();
