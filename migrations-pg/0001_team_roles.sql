-- Roles for a team (README "Working as a team"). runs_reader can only read the runs tables:
-- `runs --team sql` runs every statement under it (SET LOCAL ROLE), so even a superuser's
-- connection cannot write, COPY TO PROGRAM or read server files through it. runs_pusher is what a
-- team member needs to `runs push`: add and update rows, never drop or delete runs.
-- Roles are per cluster, so another team database in the same cluster may have made them already
-- (or be making them right now: then CREATE ROLE fails with unique_violation, which is fine too).
DO $$
BEGIN
  BEGIN
    CREATE ROLE runs_reader NOLOGIN;
  EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
  END;
  BEGIN
    CREATE ROLE runs_pusher NOLOGIN;
  EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
  END;
END
$$;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO runs_reader, runs_pusher;
--> statement-breakpoint
GRANT SELECT ON runs, metrics, checkpoints, params TO runs_reader;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON runs, push_state TO runs_pusher;
--> statement-breakpoint
GRANT SELECT, INSERT, DELETE ON metrics, checkpoints TO runs_pusher;
--> statement-breakpoint
GRANT SELECT ON params TO runs_pusher;
--> statement-breakpoint
GRANT USAGE ON SCHEMA drizzle TO runs_pusher, runs_reader;
--> statement-breakpoint
GRANT SELECT ON drizzle.__drizzle_migrations TO runs_pusher, runs_reader;
--> statement-breakpoint
-- `runs --team sql` switches to runs_reader (SET LOCAL ROLE), which needs membership: pushers and
-- the owner who ran this migration may read the team's runs too.
GRANT runs_reader TO runs_pusher;
--> statement-breakpoint
GRANT runs_reader TO CURRENT_USER;
