// What the reader's app already has where packages/core/README.md's snippets run. Declared
// only (no values): the snippets are type-checked, never run.
declare const SUPABASE_URL: string;
declare const SUPABASE_ANON_KEY: string;
/** The app's Supabase client with its session (made in the README's first snippet). */
declare const supabase: import('@supabase/supabase-js').SupabaseClient;
/** The app's UI, drawn from a snapshot. */
declare function render(snapshot: import('@v2-uploader/core').UploaderSnapshot): void;
// The seed's client ("The seed's client"): what an app that used it has at hand.
declare const supabaseUrl: string;
declare const supabaseKey: string;
declare const file: File;
declare const userId: string;
declare function updateUI(progress: import('@v2-uploader/core').UploadProgress): void;
