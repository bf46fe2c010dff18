export { defaultFsUri, hdfsEndpoints, nameserviceEndpoints } from './endpoints.js';
export { HdfsError, HdfsUnreachableError, translateHdfsError, type NameNodeFailure } from './errors.js';
export type { HdfsChecksum, HdfsFileStatus, HdfsFileType } from './model.js';
export {
  HDFS_DELEGATION_KIND,
  SWEBHDFS_DELEGATION_KIND,
  WEBHDFS_DELEGATION_KIND,
  decodeToken,
  encodeToken,
  type HadoopToken,
} from './tokens.js';
export {
  WebHdfsClient,
  type DelegationTokenRequest,
  type HdfsEvent,
  type UploadOptions,
  type WebHdfsClientOptions,
} from './webhdfs-client.js';
export { absoluteOn, locatePath, type PathLocation } from './uris.js';
