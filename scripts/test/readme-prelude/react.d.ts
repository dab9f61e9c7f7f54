// What the reader's app already has where packages/react/README.md's snippets run. Declared
// only (no values): the snippets are type-checked, never rendered.
declare const SUPABASE_URL: string;
declare const SUPABASE_ANON_KEY: string;
/** The app's Supabase client with its session (made in the README's first snippet). */
declare const supabase: import('@supabase/supabase-js').SupabaseClient;
/** The app's toast, for the rejection message. */
declare function toast(message: string): void;
// The README's own components, each defined in another snippet ("useUploaderState", "useUpload").
declare function Files(): import('react').JSX.Element;
declare function FileRow(props: { id: string }): import('react').JSX.Element | null;
