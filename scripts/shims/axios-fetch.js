// Bundled in place of axios' fetch adapter. The product talks HTTP through axios' Node adapter
// only, and the fetch adapter probes Request/Response at load time, which makes Node load undici
// (and http2): about 25 ms of every YARN command's start-up.
export const getFetch = () => undefined;
export default undefined;
