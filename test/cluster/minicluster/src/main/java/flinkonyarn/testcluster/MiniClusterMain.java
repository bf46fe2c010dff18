package flinkonyarn.testcluster;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.ha.HAServiceProtocol.HAServiceState;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.util.VersionInfo;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;
import org.apache.hadoop.yarn.server.nodemanager.NodeManager;
import org.apache.hadoop.yarn.server.resourcemanager.ResourceManager;

/**
 * Starts an HDFS (MiniDFSCluster, 1 DataNode, WebHDFS) and a YARN (MiniYARNCluster, 1 or 2
 * ResourceManagers, 1 NodeManager) in this JVM for the flink-on-yarn end-to-end tests.
 *
 * <p>Contract with the test launcher: everything is logged to a file (or stderr); stdout gets
 * exactly one line, {@code MINICLUSTER READY {json}}, once HDFS, the RM(s) and the NM are up and
 * the client configuration has been written. SIGTERM/SIGINT stop YARN, then HDFS, and exit 0.
 * A start-up failure prints {@code MINICLUSTER FAILED <reason>} on stderr and exits 1.
 */
public final class MiniClusterMain {

  private static final String RM_ADDRESS = "yarn.resourcemanager.address";
  private static final String RM_SCHEDULER_ADDRESS = "yarn.resourcemanager.scheduler.address";
  private static final String RM_TRACKER_ADDRESS = "yarn.resourcemanager.resource-tracker.address";
  private static final String RM_ADMIN_ADDRESS = "yarn.resourcemanager.admin.address";
  private static final String RM_WEBAPP_ADDRESS = "yarn.resourcemanager.webapp.address";
  private static final String RM_WEBAPP_HTTPS_ADDRESS = "yarn.resourcemanager.webapp.https.address";
  private static final String[] RM_ADDRESS_KEYS = {
    RM_ADDRESS, RM_SCHEDULER_ADDRESS, RM_TRACKER_ADDRESS, RM_ADMIN_ADDRESS, RM_WEBAPP_ADDRESS,
    RM_WEBAPP_HTTPS_ADDRESS
  };

  // ---------------------------------------------------------------- options

  static final class Options {
    File workDir = new File("minicluster-work");
    File confDir;
    int amMaxAttempts = 2;
    int rms = 1;
    String zk;
    String zkRoot;
    int nmMemoryMb = 8192;
    int nmVcores = 8;
    int minAllocMb = 64;
    int maxAllocMb = 4096;
    int maxAllocVcores = 4;
    double maxAmPercent = 1.0;
    List<String> hdfsUsers = new ArrayList<>();
    String logLevel = "INFO";
    String host = "localhost";
    File logFile;
    boolean logToStderr;
    boolean exitOnStdinEof;
    int controlPort = 0;
    boolean keepWorkDir;
    long debugDelaySec = 0;
    boolean secure;
    String clientUser = "alice";

    static Options parse(String[] args) {
      Options o = new Options();
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        String v = null;
        int eq = a.indexOf('=');
        if (a.startsWith("--") && eq > 0) {
          v = a.substring(eq + 1);
          a = a.substring(0, eq);
        }
        switch (a) {
          case "--help":
          case "-h":
            throw new UsageException(null);
          case "--log-to-stderr":
            o.logToStderr = true;
            continue;
          case "--exit-on-stdin-eof":
            o.exitOnStdinEof = true;
            continue;
          case "--keep-work-dir":
            o.keepWorkDir = true;
            continue;
          case "--secure":
            o.secure = true;
            continue;
          default:
            break;
        }
        if (v == null) {
          if (i + 1 >= args.length) {
            throw new UsageException("missing value for " + a);
          }
          v = args[++i];
        }
        switch (a) {
          case "--work-dir":
            o.workDir = new File(v);
            break;
          case "--conf-dir":
            o.confDir = new File(v);
            break;
          case "--am-max-attempts":
            o.amMaxAttempts = positive(a, v);
            break;
          case "--rms":
            o.rms = positive(a, v);
            break;
          case "--zk":
            o.zk = v;
            break;
          case "--zk-root":
            o.zkRoot = v;
            break;
          case "--nm-memory-mb":
            o.nmMemoryMb = positive(a, v);
            break;
          case "--nm-vcores":
            o.nmVcores = positive(a, v);
            break;
          case "--min-alloc-mb":
            o.minAllocMb = positive(a, v);
            break;
          case "--max-alloc-mb":
            o.maxAllocMb = positive(a, v);
            break;
          case "--max-alloc-vcores":
            o.maxAllocVcores = positive(a, v);
            break;
          case "--max-am-percent":
            o.maxAmPercent = Double.parseDouble(v);
            break;
          case "--hdfs-users":
            for (String u : v.split(",")) {
              if (!u.trim().isEmpty()) {
                o.hdfsUsers.add(u.trim());
              }
            }
            break;
          case "--host":
            o.host = v;
            break;
          case "--log-level":
            o.logLevel = v;
            break;
          case "--log-file":
            o.logFile = new File(v);
            break;
          case "--debug-delay-sec":
            o.debugDelaySec = Long.parseLong(v);
            break;
          case "--control-port":
            o.controlPort = Integer.parseInt(v);
            break;
          case "--client-user":
            o.clientUser = v;
            break;
          default:
            throw new UsageException("unknown option " + a);
        }
      }
      if (o.rms > 2) {
        throw new UsageException("--rms must be 1 or 2");
      }
      if (o.rms > 1 && o.zk == null) {
        throw new UsageException("--rms 2 (RM HA) needs --zk host:port");
      }
      o.workDir = o.workDir.getAbsoluteFile();
      if (o.confDir == null) {
        o.confDir = new File(o.workDir, "conf");
      }
      o.confDir = o.confDir.getAbsoluteFile();
      if (o.logFile == null) {
        o.logFile = new File(o.workDir, "minicluster.log");
      }
      o.logFile = o.logFile.getAbsoluteFile();
      String osUser = System.getProperty("user.name");
      if (!o.hdfsUsers.contains(osUser)) {
        o.hdfsUsers.add(0, osUser);
      }
      if (o.secure && !o.hdfsUsers.contains(o.clientUser)) {
        o.hdfsUsers.add(o.clientUser);
      }
      return o;
    }

    private static int positive(String name, String v) {
      int n;
      try {
        n = Integer.parseInt(v);
      } catch (NumberFormatException e) {
        throw new UsageException(name + " needs a number, got " + v);
      }
      if (n < 1) {
        throw new UsageException(name + " must be >= 1");
      }
      return n;
    }
  }

  static final class UsageException extends RuntimeException {
    UsageException(String message) {
      super(message);
    }
  }

  private static final String USAGE =
      String.join(
          "\n",
          "usage: MiniClusterMain [options]",
          "  --work-dir DIR          all cluster state (wiped at start)   [./minicluster-work]",
          "  --conf-dir DIR          where core/hdfs/yarn-site.xml go     [<work-dir>/conf]",
          "  --am-max-attempts N     yarn.resourcemanager.am.max-attempts [2]",
          "  --rms N                 1, or 2 for RM HA (rm0, rm1)         [1]",
          "  --zk HOST:PORT          ZooKeeper for RM HA / RM state store",
          "  --zk-root PATH          ZooKeeper root for this run          [/minicluster-<time>]",
          "  --nm-memory-mb N        NodeManager memory                   [8192]",
          "  --nm-vcores N           NodeManager vcores                   [8]",
          "  --min-alloc-mb N        scheduler minimum allocation         [64]",
          "  --max-alloc-mb N        scheduler maximum allocation         [4096]",
          "  --max-alloc-vcores N    scheduler maximum vcores             [4]",
          "  --max-am-percent F      capacity scheduler AM share          [1.0]",
          "  --hdfs-users a,b        HDFS homes /user/<u> to create (the OS user always)",
          "  --host NAME             name the daemons bind to / advertise [localhost]",
          "  --log-file FILE         log file                 [<work-dir>/minicluster.log]",
          "  --log-level LEVEL       root log level                       [INFO]",
          "  --log-to-stderr         log to stderr instead of the file",
          "  --debug-delay-sec N     keep container work dirs N s (slows shutdown) [0]",
          "  --control-port N        port of the control endpoint (127.0.0.1) [0 = any]",
          "  --exit-on-stdin-eof     shut down when stdin is closed (parent died)",
          "  --secure                Kerberos (MiniKdc), SPNEGO web endpoints, HTTPS-only HDFS",
          "  --client-user NAME      the client principal of --secure     [alice]",
          "  --keep-work-dir         do not wipe --work-dir at start");

  // ---------------------------------------------------------------- state

  private final Options opts;
  private final String host;
  private MiniDFSCluster dfs;
  private MiniYARNCluster yarn;
  private HttpServer control;
  private SecureSetup secure;
  private final AtomicBoolean stopped = new AtomicBoolean();
  private final CountDownLatch finished = new CountDownLatch(1);
  private final String[] rmIds;
  private final Map<String, String> readyInfo = new LinkedHashMap<>();

  private MiniClusterMain(Options opts) throws IOException {
    this.opts = opts;
    // Hadoop turns 127.0.0.1 back into "localhost" when it records bound addresses, so using
    // localhost everywhere keeps every reported address consistent.
    this.host = opts.host;
    this.rmIds = new String[opts.rms];
    for (int i = 0; i < opts.rms; i++) {
      rmIds[i] = "rm" + i;
    }
  }

  /** The real stdout; System.out is pointed at stderr so only the READY line lands here. */
  private static final java.io.PrintStream STDOUT = System.out;

  public static void main(String[] args) {
    System.setOut(System.err);
    Options opts;
    try {
      opts = Options.parse(args);
    } catch (UsageException e) {
      if (e.getMessage() != null) {
        System.err.println("error: " + e.getMessage());
      }
      System.err.println(USAGE);
      System.exit(e.getMessage() == null ? 0 : 2);
      return;
    } catch (RuntimeException e) {
      System.err.println("error: " + e);
      System.err.println(USAGE);
      System.exit(2);
      return;
    }

    try {
      prepareWorkDir(opts);
    } catch (IOException e) {
      System.err.println("MINICLUSTER FAILED cannot prepare work dir: " + e);
      System.exit(1);
    }
    // Must happen before the first logger is created.
    System.setProperty("minicluster.log.level", opts.logLevel);
    System.setProperty("minicluster.log.file", opts.logFile.getPath());
    if (opts.logToStderr) {
      System.setProperty("log4j.configuration", "log4j-stderr.properties");
    }
    org.slf4j.bridge.SLF4JBridgeHandler.removeHandlersForRootLogger();
    org.slf4j.bridge.SLF4JBridgeHandler.install();
    // MiniYARNCluster and MiniDFSCluster put their directories under GenericTestUtils'
    // test dir, which is ${test.build.data} (default: ./target/test/data of the cwd).
    System.setProperty("test.build.data", new File(opts.workDir, "data").getPath());
    System.setProperty("hadoop.log.dir", new File(opts.workDir, "logs").getPath());
    System.setProperty("java.io.tmpdir", new File(opts.workDir, "tmp").getPath());

    final MiniClusterMain main;
    try {
      main = new MiniClusterMain(opts);
    } catch (IOException e) {
      System.err.println("MINICLUSTER FAILED " + e);
      System.exit(1);
      return;
    }
    main.installSignalHandlers();
    Runtime.getRuntime().addShutdownHook(new Thread(main::stopAll, "minicluster-shutdown"));

    try {
      long t0 = System.nanoTime();
      main.start();
      String json = main.readyJson();
      Files.writeString(
          new File(opts.confDir, "cluster.json").toPath(), json + "\n", StandardCharsets.UTF_8);
      info("up in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
      STDOUT.println("MINICLUSTER READY " + json);
      STDOUT.flush();
    } catch (Throwable t) {
      System.err.println("MINICLUSTER FAILED " + t);
      t.printStackTrace(System.err);
      main.stopAll();
      System.exit(1);
      return;
    }
    if (opts.exitOnStdinEof) {
      Thread t = new Thread(main::watchStdin, "minicluster-stdin");
      t.setDaemon(true);
      t.start();
    }
    try {
      main.finished.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // Stop here, not in the shutdown hook: MiniDFSCluster.shutdown() removes JVM shutdown hooks,
    // which throws once the JVM is already shutting down.
    main.stopAll();
    System.exit(0);
  }

  private static void prepareWorkDir(Options opts) throws IOException {
    Path wd = opts.workDir.toPath();
    if (Files.exists(wd) && !opts.keepWorkDir) {
      // Everything below is ours; the conf dir may live outside and is rewritten anyway.
      for (String sub : new String[] {"data", "tmp", "logs"}) {
        deleteRecursively(wd.resolve(sub));
      }
      Files.deleteIfExists(opts.logFile.toPath());
    }
    Files.createDirectories(wd.resolve("data"));
    Files.createDirectories(wd.resolve("tmp"));
    Files.createDirectories(wd.resolve("logs"));
    Files.createDirectories(opts.confDir.toPath());
    File parent = opts.logFile.getParentFile();
    if (parent != null) {
      Files.createDirectories(parent.toPath());
    }
  }

  private static void deleteRecursively(Path p) throws IOException {
    if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      try (var s = Files.list(p)) {
        for (Path c : (Iterable<Path>) s::iterator) {
          deleteRecursively(c);
        }
      }
    }
    Files.delete(p);
  }

  static void info(String msg) {
    System.err.println("[minicluster] " + msg);
  }

  // ---------------------------------------------------------------- start

  private void start() throws Exception {
    info("work dir " + opts.workDir + ", log " + (opts.logToStderr ? "stderr" : opts.logFile));
    if (opts.secure) {
      info("starting a KDC (realm " + SecureSetup.REALM + ")");
      secure = new SecureSetup(opts.workDir, host, opts.clientUser);
      secure.start();
    }
    startHdfs();
    startYarn();
    writeClientConf();
    startControl();
  }

  private void startHdfs() throws Exception {
    File base = new File(opts.workDir, "data/hdfs");
    Configuration conf = new Configuration();
    // The base directory is the Builder's to set: Hadoop 3.3 refuses one already in the conf.
    conf.setBoolean("dfs.webhdfs.enabled", true);
    // Permissions stay ON, as on a real cluster: files a client uploads as ?user.name=alice are
    // owned by alice, and a wrong or missing user shows up as a permission error here too.
    conf.setBoolean("dfs.permissions.enabled", true);
    conf.setInt("dfs.replication", 1);
    conf.set("fs.permissions.umask-mode", "022");
    conf.set("hadoop.tmp.dir", new File(opts.workDir, "tmp/hadoop").getAbsolutePath());
    if (secure != null) {
      secure.apply(conf);
      secure.login(conf);
    }
    info("starting HDFS (1 DataNode)");
    dfs =
        new MiniDFSCluster.Builder(conf, base)
            .numDataNodes(1)
            .format(true)
            .manageNameDfsDirs(true)
            .manageDataDfsDirs(true)
            .build();
    dfs.waitActive();

    FileSystem fs = dfs.getFileSystem();
    // /tmp: world-writable with sticky bit, like `hdfs dfs -chmod 1777 /tmp` on a real cluster.
    mkdir(fs, "/tmp", (short) 01777, null);
    // /user: owned by the HDFS superuser (the user running this JVM), 755, like a real cluster;
    // homes exist only for the users named by --hdfs-users (plus the OS user).
    mkdir(fs, "/user", (short) 0755, null);
    for (String u : opts.hdfsUsers) {
      mkdir(fs, "/user/" + u, (short) 0755, u);
    }
    if (secure != null) {
      // The superuser is the service principal here, not the client: HA recovery data of the
      // test sessions (hdfs:///flink/...) needs a directory everyone may create in.
      mkdir(fs, "/flink", (short) 01777, null);
    }
  }

  private static void mkdir(FileSystem fs, String path, short perm, String owner)
      throws IOException {
    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
    fs.mkdirs(p);
    fs.setPermission(p, new FsPermission(perm));
    if (owner != null) {
      fs.setOwner(p, owner, null);
    }
  }

  private void startYarn() throws Exception {
    YarnConfiguration conf = new YarnConfiguration();
    conf.set("fs.defaultFS", dfs.getURI().toString());
    conf.set("hadoop.tmp.dir", new File(opts.workDir, "tmp/hadoop").getAbsolutePath());

    // Addresses: we pick free ports ourselves and tell the minicluster to keep them
    // (fixed.ports=true), so a restarted RM comes back on the same address and the written
    // yarn-site.xml stays valid across RM restarts / failovers.
    conf.setBoolean("yarn.minicluster.fixed.ports", true);
    // The NM talks to the RM over real RPC (with the HA failover proxy). The default in-process
    // short cut binds the NM to the RM that was active at start: after a failover the new
    // active RM never sees the node again (0 nodes, apps stuck in ACCEPTED/FINISHING).
    conf.setBoolean("yarn.minicluster.use-rpc", true);
    if (secure != null) {
      secure.apply(conf);
    }
    conf.set("yarn.resourcemanager.hostname", host);
    if (opts.rms == 1) {
      for (String key : RM_ADDRESS_KEYS) {
        conf.set(key, host + ":" + freePort());
      }
    } else {
      conf.setBoolean("yarn.resourcemanager.ha.enabled", true);
      conf.set("yarn.resourcemanager.ha.rm-ids", String.join(",", rmIds));
      for (String id : rmIds) {
        conf.set("yarn.resourcemanager.hostname." + id, host);
        for (String key : RM_ADDRESS_KEYS) {
          conf.set(key + "." + id, host + ":" + freePort());
        }
      }
      conf.setBoolean("yarn.resourcemanager.ha.automatic-failover.enabled", true);
      conf.setBoolean("yarn.resourcemanager.ha.automatic-failover.embedded", true);
      conf.set("yarn.resourcemanager.cluster-id", "flink-on-yarn-minicluster");
      // Both RMs share one host, so HAUtil cannot infer "its" RM id from local addresses; the NM
      // web pages (/node/...) then fail with "The HA Configuration has multiple addresses that
      // match local node's address". Each RM overrides this with its own id; the NM only uses it
      // for links back to the RM web UI.
      conf.set("yarn.resourcemanager.ha.id", rmIds[0]);
    }
    if (opts.zk != null) {
      String root = opts.zkRoot != null ? opts.zkRoot : "/minicluster-" + System.currentTimeMillis();
      readyInfo.put("zkRoot", root);
      conf.set("hadoop.zk.address", opts.zk);
      conf.set("yarn.resourcemanager.zk-address", opts.zk);
      conf.setBoolean("yarn.resourcemanager.recovery.enabled", true);
      conf.set(
          "yarn.resourcemanager.store.class",
          "org.apache.hadoop.yarn.server.resourcemanager.recovery.ZKRMStateStore");
      conf.set("yarn.resourcemanager.zk-state-store.parent-path", root + "/rmstore");
      conf.set("yarn.resourcemanager.ha.automatic-failover.zk-base-path", root + "/leader-election");
      conf.setInt("yarn.resourcemanager.zk-timeout-ms", 10000);
    }
    // NodeManager endpoints: ephemeral ports (defaults are fixed 8040/8042/8048).
    conf.set("yarn.nodemanager.hostname", host);
    conf.set("yarn.nodemanager.address", host + ":0");
    conf.set("yarn.nodemanager.localizer.address", host + ":0");
    conf.set("yarn.nodemanager.webapp.address", host + ":0");
    conf.set("yarn.nodemanager.collector-service.address", host + ":0");

    conf.setInt("yarn.resourcemanager.am.max-attempts", opts.amMaxAttempts);

    // Node labels on, as on clusters that partition their nodes; no node carries one unless a test
    // adds it (the fidelity harness adds a label to the cluster, never to the NodeManager).
    conf.setBoolean("yarn.node-labels.enabled", true);
    conf.set(
        "yarn.node-labels.fs-store.root-dir",
        new File(opts.workDir, "node-labels").toURI().toString());

    // Resources.
    conf.setInt("yarn.minicluster.yarn.nodemanager.resource.memory-mb", opts.nmMemoryMb);
    conf.setInt("yarn.nodemanager.resource.memory-mb", opts.nmMemoryMb);
    conf.setInt("yarn.nodemanager.resource.cpu-vcores", opts.nmVcores);
    conf.setBoolean("yarn.nodemanager.resource.detect-hardware-capabilities", false);
    conf.setInt("yarn.scheduler.minimum-allocation-mb", opts.minAllocMb);
    conf.setInt("yarn.scheduler.minimum-allocation-vcores", 1);
    conf.setInt("yarn.scheduler.maximum-allocation-mb", opts.maxAllocMb);
    conf.setInt("yarn.scheduler.maximum-allocation-vcores", opts.maxAllocVcores);
    // Java containers regularly exceed 2.1 x virtual memory; real clusters turn this off too.
    conf.setBoolean("yarn.nodemanager.vmem-check-enabled", false);

    // NM health: tolerate a busy build disk.
    conf.setFloat(
        "yarn.nodemanager.disk-health-checker.max-disk-utilization-per-disk-percentage", 99.0f);
    conf.setLong("yarn.nodemanager.disk-health-checker.min-free-space-per-disk-mb", 100);

    // Logs stay on the NM (no aggregation): <nmLogDir>/<appId>/<containerId>/{stdout,...}.
    conf.setBoolean("yarn.log-aggregation-enable", false);
    conf.setLong("yarn.nodemanager.log.retain-seconds", 3 * 3600);
    // 0: container work dirs go right after the app finishes (their logs stay in nmLogDir).
    // Anything > 0 also makes the NM's DeletionService stall shutdown for 10 s.
    conf.setLong("yarn.nodemanager.delete.debug-delay-sec", opts.debugDelaySec);
    // The NM waits sleep-delay + process-kill-wait + 2 s on shutdown for apps it still tracks
    // (without log aggregation: all apps of the last 3 h). Defaults 250 ms + 5 s.
    conf.setLong("yarn.nodemanager.sleep-delay-before-sigkill.ms", 250);
    conf.setLong("yarn.nodemanager.process-kill-wait.ms", 1000);

    // Containers: the NM forwards JAVA_HOME / HADOOP_CONF_DIR from its environment
    // (env-whitelist). The launcher may not have set them, so force them via admin-env.
    String javaHome = System.getenv("JAVA_HOME");
    if (javaHome == null || javaHome.isEmpty()) {
      javaHome = System.getProperty("java.home");
    }
    conf.set(
        "yarn.nodemanager.admin-env",
        "MALLOC_ARENA_MAX=$MALLOC_ARENA_MAX,JAVA_HOME="
            + javaHome
            + ",HADOOP_CONF_DIR="
            + opts.confDir.getAbsolutePath());

    // Capacity scheduler: no capacity-scheduler.xml is on the class path, so define the queues
    // here and also write them to <work-dir>/rm-conf, served by DirConfigurationProvider (an HA
    // RM re-reads the file when it becomes active).
    conf.set(
        "yarn.resourcemanager.scheduler.class",
        "org.apache.hadoop.yarn.server.resourcemanager.scheduler.capacity.CapacityScheduler");
    Configuration cs = capacitySchedulerConf();
    for (Map.Entry<String, String> e : cs) {
      conf.set(e.getKey(), e.getValue());
    }
    File rmConfDir = new File(opts.workDir, "rm-conf");
    Files.createDirectories(rmConfDir.toPath());
    try (OutputStream out =
        Files.newOutputStream(new File(rmConfDir, "capacity-scheduler.xml").toPath())) {
      cs.writeXml(out);
    }
    conf.set(DirConfigurationProvider.DIR_KEY, rmConfDir.getAbsolutePath());
    conf.set(
        "yarn.resourcemanager.configuration.provider-class",
        DirConfigurationProvider.class.getName());

    conf.setBoolean("yarn.timeline-service.enabled", false);
    conf.setBoolean("yarn.resourcemanager.system-metrics-publisher.enabled", false);

    info("starting YARN (" + opts.rms + " RM, 1 NM, am.max-attempts=" + opts.amMaxAttempts + ")");
    releasePorts();
    yarn = new MiniYARNCluster("flink-on-yarn", opts.rms, 1, 1, 1);
    yarn.init(conf);
    yarn.start();
    if (!yarn.waitForNodeManagersToConnect(120_000)) {
      throw new IllegalStateException("NodeManager did not register with the RM within 120 s");
    }
    fixWebApps();
    if (opts.rms > 1) {
      long deadline = System.currentTimeMillis() + 60_000;
      while (activeRmIndex() < 0) {
        if (System.currentTimeMillis() > deadline) {
          throw new IllegalStateException("no RM became active within 60 s");
        }
        Thread.sleep(200);
      }
    }
  }

  /** Queues root.default (70 %) and root.second (30 %), both elastic up to 100 %. */
  private Configuration capacitySchedulerConf() {
    Configuration c = new Configuration(false);
    String cs = "yarn.scheduler.capacity.";
    c.set(cs + "root.queues", "default,second");
    c.set(cs + "root.default.capacity", "70");
    c.set(cs + "root.second.capacity", "30");
    for (String q : new String[] {"root.default", "root.second"}) {
      c.set(cs + q + ".maximum-capacity", "100");
      c.set(cs + q + ".user-limit-factor", "10");
      c.set(cs + q + ".state", "RUNNING");
      c.set(cs + q + ".acl_submit_applications", "*");
      c.set(cs + q + ".acl_administer_queue", "*");
    }
    c.set(cs + "root.acl_submit_applications", "*");
    c.set(cs + "root.acl_administer_queue", "*");
    // Default is 0.1: a 1.6 GB Flink JobManager would sit in ACCEPTED forever.
    c.set(cs + "maximum-am-resource-percent", Double.toString(opts.maxAmPercent));
    c.set(cs + "node-locality-delay", "-1");
    return c;
  }

  /** See {@link GuiceWebAppFix}: without it the RM REST API is answered by the NM web app. */
  private void fixWebApps() {
    if (Boolean.getBoolean("minicluster.skipGuiceFix")) {
      return; // only to demonstrate the problem
    }
    ResourceManager[] rms = new ResourceManager[opts.rms];
    for (int i = 0; i < opts.rms; i++) {
      rms[i] = yarn.getResourceManager(i);
    }
    List<String> pinned = GuiceWebAppFix.apply(rms, new NodeManager[] {yarn.getNodeManager(0)});
    org.slf4j.LoggerFactory.getLogger(MiniClusterMain.class)
        .info("pinned Guice pipelines of web apps: {}", pinned);
  }

  /** Sockets held open while ports are being picked, so no port is handed out twice. */
  private final List<ServerSocket> portHolders = new ArrayList<>();

  private int freePort() throws IOException {
    ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(host));
    portHolders.add(s);
    return s.getLocalPort();
  }

  private void releasePorts() {
    for (ServerSocket s : portHolders) {
      try {
        s.close();
      } catch (IOException ignored) {
        // nothing to do
      }
    }
    portHolders.clear();
  }

  private int activeRmIndex() {
    for (int i = 0; i < opts.rms; i++) {
      if (rmState(i).equals("ACTIVE")) {
        return i;
      }
    }
    return -1;
  }

  /** ACTIVE, STANDBY, INITIALIZING, STOPPING, or STOPPED when the RM slot is empty. */
  private String rmState(int i) {
    ResourceManager rm = yarn.getResourceManager(i);
    if (rm == null) {
      return "STOPPED";
    }
    try {
      HAServiceState s = rm.getRMContext().getHAServiceState();
      return s == null ? "UNKNOWN" : s.name();
    } catch (RuntimeException e) {
      return "STOPPED";
    }
  }

  private String rmWebAddress(int i) {
    Configuration c = yarn.getConfig();
    return opts.rms == 1
        ? c.get(RM_WEBAPP_ADDRESS)
        : c.get(RM_WEBAPP_ADDRESS + "." + rmIds[i]);
  }

  // ---------------------------------------------------------------- client conf

  private void writeClientConf() throws IOException {
    URI hdfsUri = dfs.getURI();
    // HTTPS_ONLY (--secure) leaves the NameNode without an http address.
    InetSocketAddress nnHttp = dfs.getNameNode().getHttpAddress();
    String nnHttpAddr = nnHttp == null ? null : nnHttp.getHostString() + ":" + nnHttp.getPort();
    Configuration yc = yarn.getConfig();

    Configuration core = new Configuration(false);
    core.set("fs.defaultFS", hdfsUri.toString());
    Map<String, String> securityKeys = secure == null ? Map.of() : secure.clientKeys();
    securityKeys.forEach(
        (k, v) -> {
          if (k.startsWith("hadoop.")) {
            core.set(k, v);
          }
        });
    writeXml(core, "core-site.xml");

    Configuration hdfs = new Configuration(false);
    hdfs.set("dfs.namenode.rpc-address", hdfsUri.getHost() + ":" + hdfsUri.getPort());
    if (nnHttpAddr != null) {
      hdfs.set("dfs.namenode.http-address", nnHttpAddr);
    }
    hdfs.set("dfs.webhdfs.enabled", "true");
    hdfs.set("dfs.replication", "1");
    hdfs.set("dfs.permissions.enabled", "true");
    securityKeys.forEach(
        (k, v) -> {
          if (k.startsWith("dfs.")) {
            hdfs.set(k, v);
          }
        });
    String webHdfs = "http://" + nnHttpAddr;
    if (secure != null) {
      InetSocketAddress nnHttps = dfs.getNameNode().getHttpsAddress();
      String nnHttpsAddr = nnHttps.getHostString() + ":" + nnHttps.getPort();
      hdfs.set("dfs.namenode.https-address", nnHttpsAddr);
      webHdfs = "https://" + nnHttpsAddr;
    }
    writeXml(hdfs, "hdfs-site.xml");

    Configuration y = new Configuration(false);
    y.set("yarn.resourcemanager.hostname", host);
    if (opts.rms == 1) {
      for (String key : RM_ADDRESS_KEYS) {
        y.set(key, yc.get(key));
      }
    } else {
      y.set("yarn.resourcemanager.ha.enabled", "true");
      y.set("yarn.resourcemanager.ha.rm-ids", String.join(",", rmIds));
      y.set("yarn.resourcemanager.cluster-id", yc.get("yarn.resourcemanager.cluster-id"));
      y.set("yarn.resourcemanager.ha.automatic-failover.enabled", "true");
      for (String id : rmIds) {
        y.set("yarn.resourcemanager.hostname." + id, host);
        for (String key : RM_ADDRESS_KEYS) {
          y.set(key + "." + id, yc.get(key + "." + id));
        }
      }
    }
    for (String key :
        new String[] {
          "hadoop.zk.address",
          "yarn.resourcemanager.zk-address",
          "yarn.resourcemanager.recovery.enabled",
          "yarn.resourcemanager.store.class",
          "yarn.resourcemanager.zk-state-store.parent-path",
          "yarn.resourcemanager.ha.automatic-failover.zk-base-path",
          "yarn.resourcemanager.am.max-attempts",
          "yarn.scheduler.minimum-allocation-mb",
          "yarn.scheduler.minimum-allocation-vcores",
          "yarn.scheduler.maximum-allocation-mb",
          "yarn.scheduler.maximum-allocation-vcores",
          "yarn.nodemanager.resource.memory-mb",
          "yarn.nodemanager.resource.cpu-vcores",
          "yarn.log-aggregation-enable",
          "yarn.resourcemanager.scheduler.class",
          "yarn.nodemanager.vmem-check-enabled"
        }) {
      String v = yc.get(key);
      if (v != null && (opts.zk != null || !key.contains("zk") && !key.contains("recovery")
          && !key.contains("store"))) {
        y.set(key, v);
      }
    }
    securityKeys.forEach(
        (k, v) -> {
          if (k.startsWith("yarn.")) {
            y.set(k, v);
          }
        });
    writeXml(y, "yarn-site.xml");

    NodeManager nm = yarn.getNodeManager(0);
    Configuration nmConf = nm.getConfig();
    String nmLogDir = nmConf.get("yarn.nodemanager.log-dirs");
    String nmLocalDir = nmConf.get("yarn.nodemanager.local-dirs");
    int nmHttpPort = nm.getNMContext().getHttpPort();
    String nmWeb = nm.getNMContext().getNodeId().getHost() + ":" + nmHttpPort;

    int active = Math.max(activeRmIndex(), 0);
    readyInfo.put("rm", "http://" + rmWebAddress(active));
    readyInfo.put("webhdfs", webHdfs);
    readyInfo.put("hdfs", hdfsUri.toString());
    readyInfo.put("confDir", opts.confDir.getAbsolutePath());
    readyInfo.put("hadoopVersion", VersionInfo.getVersion());
    readyInfo.put("nmLogDir", nmLogDir);
    readyInfo.put("nmLocalDir", nmLocalDir);
    readyInfo.put("nmWeb", nmWeb == null ? null : "http://" + nmWeb);
    readyInfo.put("rmAddress", opts.rms == 1 ? yc.get(RM_ADDRESS) : yc.get(RM_ADDRESS + ".rm" + active));
    readyInfo.put("workDir", opts.workDir.getAbsolutePath());
    readyInfo.put("logFile", opts.logToStderr ? null : opts.logFile.getAbsolutePath());
    readyInfo.put("amMaxAttempts", Integer.toString(opts.amMaxAttempts));
    readyInfo.put("zk", opts.zk);
    readyInfo.put("pid", Long.toString(ProcessHandle.current().pid()));
    if (secure != null) {
      readyInfo.putAll(secure.readyInfo());
    }
  }

  private void writeXml(Configuration c, String name) throws IOException {
    Path target = new File(opts.confDir, name).toPath();
    Path tmp = new File(opts.confDir, "." + name + ".tmp").toPath();
    try (OutputStream out = Files.newOutputStream(tmp)) {
      c.writeXml(out);
    }
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private String readyJson() {
    StringBuilder sb = new StringBuilder("{");
    for (Map.Entry<String, String> e : readyInfo.entrySet()) {
      if (sb.length() > 1) {
        sb.append(',');
      }
      sb.append(jsonString(e.getKey())).append(':');
      String v = e.getValue();
      boolean number =
          v != null && (e.getKey().equals("pid") || e.getKey().equals("amMaxAttempts"));
      sb.append(v == null ? "null" : number ? v : jsonString(v));
    }
    sb.append(",\"rms\":[");
    for (int i = 0; i < opts.rms; i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append("{\"id\":")
          .append(opts.rms == 1 ? "null" : jsonString(rmIds[i]))
          .append(",\"web\":")
          .append(jsonString("http://" + rmWebAddress(i)))
          .append(",\"state\":")
          .append(jsonString(rmState(i)))
          .append('}');
    }
    sb.append("],\"control\":")
        .append(
            control == null
                ? "null"
                : jsonString("http://127.0.0.1:" + control.getAddress().getPort()));
    sb.append('}');
    return sb.toString();
  }

  static String jsonString(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char ch : s.toCharArray()) {
      switch (ch) {
        case '"':
          sb.append("\\\"");
          break;
        case '\\':
          sb.append("\\\\");
          break;
        case '\n':
          sb.append("\\n");
          break;
        case '\r':
          sb.append("\\r");
          break;
        case '\t':
          sb.append("\\t");
          break;
        default:
          if (ch < 0x20) {
            sb.append(String.format("\\u%04x", (int) ch));
          } else {
            sb.append(ch);
          }
      }
    }
    return sb.append('"').toString();
  }

  // ---------------------------------------------------------------- control endpoint

  /**
   * Loopback-only HTTP endpoint for failure tests: GET /status, POST /rm/{i}/stop, POST
   * /rm/{i}/restart, POST /shutdown.
   */
  private void startControl() throws IOException {
    control = HttpServer.create(new InetSocketAddress("127.0.0.1", opts.controlPort), 8);
    control.createContext(
        "/",
        ex -> {
          try {
            handleControl(ex);
          } catch (Throwable t) {
            respond(ex, 500, "{\"error\":" + jsonString(String.valueOf(t)) + "}");
          }
        });
    control.start();
  }

  private void handleControl(HttpExchange ex) throws Exception {
    String path = ex.getRequestURI().getPath();
    String method = ex.getRequestMethod();
    String[] parts = path.replaceAll("^/+|/+$", "").split("/");
    if (method.equals("GET") && (path.equals("/") || path.equals("/status"))) {
      respond(ex, 200, readyJson());
      return;
    }
    if (method.equals("POST") && path.equals("/shutdown")) {
      respond(ex, 202, "{\"shutdown\":true}");
      new Thread(() -> finished.countDown(), "minicluster-control-shutdown").start();
      return;
    }
    if (method.equals("POST") && parts.length == 3 && parts[0].equals("rm")) {
      int i;
      try {
        i = Integer.parseInt(parts[1]);
      } catch (NumberFormatException e) {
        respond(ex, 400, "{\"error\":\"bad rm index\"}");
        return;
      }
      if (i < 0 || i >= opts.rms) {
        respond(ex, 404, "{\"error\":\"no such rm\"}");
        return;
      }
      synchronized (this) {
        switch (parts[2]) {
          case "stop":
            info("control: stopping RM " + i);
            yarn.stopResourceManager(i);
            break;
          case "restart":
            info("control: restarting RM " + i);
            yarn.restartResourceManager(i);
            fixWebApps();
            break;
          default:
            respond(ex, 404, "{\"error\":\"unknown action\"}");
            return;
        }
      }
      respond(ex, 200, readyJson());
      return;
    }
    respond(ex, 404, "{\"error\":\"not found\"}");
  }

  private static void respond(HttpExchange ex, int code, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(code, b.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(b);
    }
  }

  // ---------------------------------------------------------------- shutdown

  private void installSignalHandlers() {
    for (String name : new String[] {"TERM", "INT"}) {
      try {
        sun.misc.Signal.handle(
            new sun.misc.Signal(name),
            sig -> {
              info("SIG" + name + " received, shutting down");
              finished.countDown();
            });
      } catch (IllegalArgumentException e) {
        info("cannot handle SIG" + name + ": " + e.getMessage());
      }
    }
  }

  private void watchStdin() {
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      while (r.readLine() != null) {
        // ignore input; only EOF matters
      }
    } catch (IOException ignored) {
      // treat as EOF
    }
    info("stdin closed, shutting down");
    finished.countDown();
  }

  /**
   * The MiniYARNCluster deletes its whole directory (NM local and log dirs) when it stops, so
   * keep a copy of the container logs under {@code <work-dir>/logs/containers}.
   */
  private void copyContainerLogs() {
    String nmLogDir = readyInfo.get("nmLogDir");
    if (nmLogDir == null) {
      return;
    }
    Path src = new File(nmLogDir).toPath();
    Path dst = new File(opts.workDir, "logs/containers").toPath();
    try (var walk = Files.walk(src)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        Path t = dst.resolve(src.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else if (Files.isRegularFile(p)) {
          Files.copy(p, t, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    } catch (IOException | RuntimeException e) {
      info("could not copy container logs: " + e);
    }
  }

  /**
   * MiniYARNCluster's RM wrapper waits 5 s on stop for every AM that registered and never
   * unregistered (e.g. one that crashed). Nothing useful can come of that wait here.
   */
  private void forgetAppMasters() {
    try {
      java.lang.reflect.Field f = MiniYARNCluster.class.getDeclaredField("appMasters");
      f.setAccessible(true);
      ((Map<?, ?>) f.get(yarn)).clear();
    } catch (ReflectiveOperationException | RuntimeException e) {
      info("note: cannot clear MiniYARNCluster.appMasters: " + e);
    }
  }

  /**
   * Without log aggregation the NM schedules each app's log deletion (retain-seconds later) on
   * an executor whose stop waits 10 s for those far-future tasks. Drop them: the directory goes
   * away with the minicluster anyway.
   */
  private void dropPendingLogDeletions() {
    NodeManager nm = yarn.getNodeManager(0);
    if (nm == null) {
      return;
    }
    java.util.ArrayDeque<org.apache.hadoop.service.Service> todo =
        new java.util.ArrayDeque<>(nm.getServices());
    while (!todo.isEmpty()) {
      org.apache.hadoop.service.Service s = todo.poll();
      if (s instanceof org.apache.hadoop.service.CompositeService) {
        todo.addAll(((org.apache.hadoop.service.CompositeService) s).getServices());
      }
      if (s.getClass().getSimpleName().equals("ContainerManagerImpl")) {
        try {
          java.lang.reflect.Field f = s.getClass().getDeclaredField("logHandler");
          f.setAccessible(true);
          Object handler = f.get(s);
          if (handler != null && handler.getClass().getSimpleName().equals("NonAggregatingLogHandler")) {
            java.lang.reflect.Field sf = handler.getClass().getDeclaredField("sched");
            sf.setAccessible(true);
            Object sched = sf.get(handler);
            if (sched instanceof java.util.concurrent.ExecutorService) {
              ((java.util.concurrent.ExecutorService) sched).shutdownNow();
            }
          }
        } catch (ReflectiveOperationException | RuntimeException e) {
          info("note: cannot drop pending NM log deletions: " + e);
        }
      }
    }
  }

  /** Stops YARN, then HDFS. Idempotent; also runs as the JVM shutdown hook. */
  private void stopAll() {
    if (!stopped.compareAndSet(false, true)) {
      return;
    }
    long t0 = System.nanoTime();
    if (control != null) {
      control.stop(0);
    }
    if (yarn != null) {
      copyContainerLogs();
      forgetAppMasters();
      dropPendingLogDeletions();
      try {
        yarn.stop();
      } catch (Throwable t) {
        info("error stopping YARN: " + t);
      }
    }
    if (dfs != null) {
      try {
        dfs.shutdown();
      } catch (Throwable t) {
        info("error stopping HDFS: " + t);
      }
    }
    if (secure != null) {
      secure.stop();
    }
    info("stopped in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
  }
}
