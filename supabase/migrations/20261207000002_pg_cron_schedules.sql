-- The schedules of migrations 012 (retention of the progress feed) and 017 (abandoned uploads),
-- created for real. Those migrations scheduled only "if pg_cron is installed", which on a fresh
-- project it is not, so `supabase db push` left both jobs unscheduled. Here pg_cron is enabled
-- (allowed for `postgres` on hosted Supabase; the dashboard's Database → Extensions does the
-- same) and the jobs are created or updated by name, so this is safe to run on a project where
-- they already exist.
create extension if not exists pg_cron with schema pg_catalog;

select cron.schedule('cleanup-realtime-progress-updates', '17 * * * *',
                     $cron$select public.cleanup_realtime_progress_updates()$cron$);
select cron.schedule('sweep-abandoned-uploads', '*/15 * * * *',
                     $cron$select public.sweep_abandoned_uploads()$cron$);
