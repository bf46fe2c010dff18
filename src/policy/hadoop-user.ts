/**
 * The user a simple-auth cluster acts as, decided as Hadoop's UserGroupInformation does:
 * the explicit choice (--user), then $HADOOP_USER_NAME, then the OS login.
 */
export function hadoopUser<OsUser extends string | undefined>(input: {
  readonly explicit?: string | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The OS login; undefined where it cannot be read (a uid without a passwd entry). */
  readonly osUser: () => OsUser;
}): string | OsUser {
  return input.explicit ?? input.env.HADOOP_USER_NAME ?? input.osUser();
}
