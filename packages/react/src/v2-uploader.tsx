import type { V2UploaderElement } from '@v2-uploader/elements';
import { createElement, forwardRef, type ForwardedRef, useCallback, useContext, useEffect, useRef, useState } from 'react';
import { UploaderContext } from './uploader-context.js';
import { EVENT_PROPS, toAttributes, type V2UploaderAttributeProps, type V2UploaderEventProps, type V2UploaderProps } from './v2-uploader-props.js';

const ATTRIBUTE_PROPS: readonly (keyof V2UploaderAttributeProps)[] = [
  'supabaseUrl', 'anonKey', 'anonymousSignIn', 'accept', 'maxFileSize', 'maxFiles', 'multiple', 'autoUpload', 'chunkSize', 'maxPages', 'realtime', 'locale',
  'disabled', 'name', 'required', 'theme', 'thumbnails',
];
const OWN_PROPS = new Set<string>([...ATTRIBUTE_PROPS, ...Object.keys(EVENT_PROPS), 'supabase', 'uploader', 'documentRules', 'validateDocument', 'inspector', 'className', 'style', 'children']);

// Never true on a server: there is no customElements there.
const isDefined = () => typeof customElements !== 'undefined' && customElements.get('v2-uploader') !== undefined;

/**
 * `<v2-uploader>` for React: typed attribute props, `supabase`/`uploader` set as properties,
 * `onV2…` props for the element's events, and `ref` to the element. The element's definition
 * (Lit, `customElements.define`) is imported in an effect, so it loads only in the browser:
 * importing this module on a server touches no `window`, and server rendering outputs the bare
 * tag with its attributes, which the element takes over once it is defined.
 */
export const V2Uploader = forwardRef<V2UploaderElement, V2UploaderProps>(function V2Uploader(props, forwardedRef) {
  const context = useContext(UploaderContext);
  const store = props.uploader ?? context.uploader;
  const client = props.supabase ?? context.supabase;
  const element = useRef<V2UploaderElement | null>(null);
  const [defined, setDefined] = useState(isDefined);
  const [failure, setFailure] = useState<{ error: unknown }>();

  useEffect(() => {
    if (defined) return undefined;
    let live = true;
    import('@v2-uploader/elements/define.js').then(
      () => live && setDefined(true),
      (error: unknown) => live && setFailure({ error }),
    );
    return () => {
      live = false;
    };
  }, [defined]);

  // Properties need the defined element: set on the bare tag, `uploader` would be a plain field
  // that hides the element's own accessor once it upgrades.
  useEffect(() => {
    const el = element.current;
    if (defined && el) el.supabase = client;
  }, [defined, client]);

  const { multiple, autoUpload, realtime, disabled, required, thumbnails } = props;
  useEffect(() => {
    // React 19 assigns a custom element's props that are also its properties as properties: a
    // removed flag arrives as null and realtime="false" as a truthy string. Set typed values,
    // before the store is bound, since binding hands the element's options to the store.
    const el = element.current;
    if (!defined || !el) return;
    Object.assign(el, {
      multiple: multiple === true, disabled: disabled === true, required: required === true, thumbnails: thumbnails === true,
      autoUpload: autoUpload !== false, realtime: realtime !== false,
    });
  }, [defined, multiple, autoUpload, realtime, disabled, required, thumbnails]);

  // The document options are properties only (functions and objects), set before the store is bound too.
  const { documentRules, validateDocument, inspector } = props;
  useEffect(() => {
    const el = element.current;
    if (defined && el) Object.assign(el, { documentRules, validateDocument, inspector });
  }, [defined, documentRules, validateDocument, inspector]);

  useEffect(() => {
    const el = element.current;
    if (!defined || !el) return undefined;
    if (store) el.uploader = store;
    // Unbinds the element from a shared store (its listeners would outlive it otherwise) and
    // destroys the store the element made for itself when none was given.
    return () => {
      el.uploader = undefined;
    };
  }, [defined, store]);

  // The newest handlers, read when an event fires, so listeners are added once per element.
  const handlers = useRef<V2UploaderEventProps>(props);
  useEffect(() => {
    handlers.current = props;
  });
  useEffect(() => {
    const el = element.current;
    if (!el) return undefined;
    const offs = Object.entries(EVENT_PROPS).map(([prop, type]) => {
      const listener = (event: Event) => (handlers.current[prop as keyof V2UploaderEventProps] as ((e: Event) => void) | undefined)?.(event);
      el.addEventListener(type, listener);
      return () => el.removeEventListener(type, listener);
    });
    return () => offs.forEach((off) => off());
  }, []);

  const setElement = useCallback((el: V2UploaderElement | null) => {
    element.current = el;
    assignRef(forwardedRef, el);
  }, [forwardedRef]);

  if (failure) throw failure.error; // the definition did not load: to the nearest error boundary
  const passThrough = Object.fromEntries(Object.entries(props).filter(([key]) => !OWN_PROPS.has(key)));
  // `class`, not `className`: React 18 writes a custom element's props as attributes by name.
  return createElement('v2-uploader', { ...passThrough, ...toAttributes(props), class: props.className, style: props.style, ref: setElement }, props.children);
});

function assignRef<T>(ref: ForwardedRef<T>, value: T | null): void {
  if (typeof ref === 'function') ref(value);
  else if (ref) ref.current = value;
}
