// @ts-check
// Names and limits every part of the Realtime service shares.

/** The service's routes: /realtime/v1/websocket and /realtime/v1/api/broadcast… */
export const PREFIX = '/realtime/v1';
/** Every channel topic a client joins starts with this (`realtime:<name>`). */
export const TOPIC_PREFIX = 'realtime:';
/** The largest WebSocket frame, and the largest body of the broadcast API. */
export const MAX_FRAME_BYTES = 3 * 1024 * 1024;

/** @param {unknown} v @returns {v is Record<string, any>} */
export const isObject = (v) => !!v && typeof v === 'object' && !Array.isArray(v);
