// Replaced at build time by esbuild's --define (see package.json).
declare const process: { env: { SUPABASE_URL: string; SUPABASE_PUBLISHABLE_KEY: string } };
