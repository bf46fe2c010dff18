export { defaultFsUri, hdfsEndpoints } from './endpoints.js';
export { HdfsError, HdfsUnreachableError, translateHdfsError, type NameNodeFailure } from './errors.js';
export type { HdfsChecksum, HdfsFileStatus, HdfsFileType } from './model.js';
export { WebHdfsClient, type HdfsEvent, type UploadOptions, type WebHdfsClientOptions } from './webhdfs-client.js';
export { absoluteOn, locatePath, type PathLocation } from './uris.js';
