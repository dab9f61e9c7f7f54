// What the reader's app already has where README.md's snippets run. Declared only.
declare const supabase: import('@supabase/supabase-js').SupabaseClient;
/** The app's UI, drawn from a snapshot. */
declare function render(snapshot: import('@v2-uploader/core').UploaderSnapshot): void;
/** The app's `<input type="file">`. */
declare const fileInput: HTMLInputElement;
