// `anonymousSignIn` (the element's `anonymous-sign-in`): the Uploader's client signs in
// anonymously, once, when the first request finds no session. The core reads the session afresh
// for every request (auth.getSession), so the client it is given answers that call by signing in
// first; everything else is the app's client untouched.
import type { AnySupabaseClient } from './client-config.js';
import { UploadError } from '../upload-error.js';

type Auth = AnySupabaseClient['auth'];

/** Reads a property of the real object, its methods bound to it (supabase-js uses #private fields). */
function forward<T extends object>(target: T, key: string | symbol): unknown {
  const value: unknown = Reflect.get(target, key, target);
  return typeof value === 'function' ? value.bind(target) : value;
}

/** `client`, whose `auth.getSession()` signs in anonymously when there is no session. */
export function withAnonymousSignIn<C extends AnySupabaseClient>(client: C): C {
  const auth = client.auth;
  let signingIn: Promise<void> | undefined;
  const signIn = async (): Promise<void> => {
    const { error } = await auth.signInAnonymously();
    if (!error) return;
    // Offline is worth another try (and the next request signs in again); a refusal is not.
    const offline = error.name === 'AuthRetryableFetchError';
    throw new UploadError(
      offline
        ? 'Signing in anonymously failed: Auth could not be reached. It will be retried.'
        : `Signing in anonymously failed (${error.message}). Allow anonymous sign-ins in the project's Auth settings, or sign the user in before uploading.`,
      { code: offline ? 'network' : 'auth-required', cause: error, ...(offline ? {} : { status: error.status ?? 401 }) },
    );
  };
  const getSession: Auth['getSession'] = async () => {
    const current = await auth.getSession();
    if (current.data.session || current.error) return current;
    signingIn ??= signIn().catch((error: unknown) => {
      signingIn = undefined;
      throw error;
    });
    await signingIn;
    return auth.getSession();
  };
  const authProxy = new Proxy(auth, { get: (target, key) => (key === 'getSession' ? getSession : forward(target, key)) });
  return new Proxy(client, { get: (target, key) => (key === 'auth' ? authProxy : forward(target, key)) });
}
