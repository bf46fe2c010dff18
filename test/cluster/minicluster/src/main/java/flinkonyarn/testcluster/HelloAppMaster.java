package flinkonyarn.testcluster;

import java.io.File;
import java.net.InetAddress;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.yarn.api.ApplicationConstants;
import org.apache.hadoop.yarn.api.records.ContainerId;
import org.apache.hadoop.yarn.api.records.FinalApplicationStatus;
import org.apache.hadoop.yarn.client.api.AMRMClient;
import org.apache.hadoop.yarn.conf.YarnConfiguration;

/**
 * The smallest ApplicationMaster that makes a YARN application reach FINISHED/SUCCEEDED: it
 * registers with the RM, prints a line, optionally sleeps, and unregisters. A container that
 * merely exits 0 without registering ends FAILED ("AM Container ... exited with exitCode: 0").
 *
 * <p>Used by the end-to-end checks of the test cluster (see test/cluster/README.md). It runs
 * from the local build (absolute class path), which only works because the NM is on this host.
 *
 * <p>Arguments: {@code [--sleep SECONDS] [--fail-before-attempt N] [--final FAILED|KILLED]}.
 * {@code --fail-before-attempt 2} makes attempt 1 exit(3) after registering, so attempt 2 runs:
 * handy for am.max-attempts tests.
 */
public final class HelloAppMaster {

  private HelloAppMaster() {}

  public static void main(String[] args) throws Exception {
    int sleepSeconds = 0;
    int failBeforeAttempt = 0;
    FinalApplicationStatus finalStatus = FinalApplicationStatus.SUCCEEDED;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--sleep":
          sleepSeconds = Integer.parseInt(args[++i]);
          break;
        case "--fail-before-attempt":
          failBeforeAttempt = Integer.parseInt(args[++i]);
          break;
        case "--final":
          finalStatus = FinalApplicationStatus.valueOf(args[++i]);
          break;
        default:
          throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }

    String containerIdStr = System.getenv(ApplicationConstants.Environment.CONTAINER_ID.name());
    ContainerId containerId = ContainerId.fromString(containerIdStr);
    int attempt = containerId.getApplicationAttemptId().getAttemptId();
    System.out.println("hello-from-am container=" + containerIdStr + " attempt=" + attempt);
    Map<String, String> env = new TreeMap<>(System.getenv());
    for (String k : new String[] {"JAVA_HOME", "HADOOP_CONF_DIR", "HADOOP_USER_NAME", "USER",
        "LOG_DIRS", "PWD", "NM_HOST", "NM_HTTP_PORT"}) {
      System.out.println("env " + k + "=" + env.get(k));
    }

    Configuration conf = new YarnConfiguration();
    String confDir = System.getenv("HADOOP_CONF_DIR");
    if (confDir != null) {
      for (String f : new String[] {"core-site.xml", "yarn-site.xml"}) {
        if (new File(confDir, f).isFile()) {
          conf.addResource(new Path(new File(confDir, f).toURI()));
        }
      }
    }
    System.out.println("scheduler address " + conf.get(YarnConfiguration.RM_SCHEDULER_ADDRESS));

    AMRMClient<AMRMClient.ContainerRequest> rm = AMRMClient.createAMRMClient();
    rm.init(conf);
    rm.start();
    rm.registerApplicationMaster(InetAddress.getLocalHost().getHostName(), 0, "");
    System.out.println("registered");
    if (attempt < failBeforeAttempt) {
      System.out.println("failing attempt " + attempt + " on purpose");
      System.out.flush();
      System.exit(3);
    }
    if (sleepSeconds > 0) {
      Thread.sleep(sleepSeconds * 1000L);
    }
    rm.unregisterApplicationMaster(finalStatus, "hello-from-am done", "");
    rm.stop();
    System.out.println("unregistered with " + finalStatus);
  }
}
