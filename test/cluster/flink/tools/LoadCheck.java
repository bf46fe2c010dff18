// Class-loading check for the assembled lib/: run with
//   java -cp "test/cluster/flink/target/flink/lib/*" test/cluster/flink/tools/LoadCheck.java
// Loads (and initialises) the YARN entrypoints, the TM runner, the YARN client classes they
// link against, the REST jar-submission extension and the RPC loader; exit 1 if any fails.
public class LoadCheck {
  public static void main(String[] a) throws Exception {
    String[] names = {
      "org.apache.flink.yarn.entrypoint.YarnSessionClusterEntrypoint",
      "org.apache.flink.yarn.entrypoint.YarnApplicationClusterEntryPoint",
      "org.apache.flink.yarn.entrypoint.YarnJobClusterEntrypoint",
      "org.apache.flink.yarn.YarnTaskExecutorRunner",
      "org.apache.flink.yarn.YarnResourceManagerDriver",
      "org.apache.flink.yarn.YarnClusterDescriptor",
      "org.apache.flink.yarn.cli.FlinkYarnSessionCli",
      "org.apache.hadoop.yarn.client.api.async.AMRMClientAsync",
      "org.apache.hadoop.yarn.client.api.async.NMClientAsync",
      "org.apache.hadoop.hdfs.DistributedFileSystem",
      "org.apache.flink.runtime.webmonitor.WebSubmissionExtension",
      "org.apache.flink.runtime.rpc.pekko.PekkoRpcSystemLoader",
    };
    int bad = 0;
    for (String n : names) {
      try {
        Class<?> c = Class.forName(n, true, LoadCheck.class.getClassLoader());
        c.getDeclaredMethods(); // resolves signatures -> catches missing referenced types
        System.out.println("OK   " + n + "  <- " + c.getProtectionDomain().getCodeSource().getLocation().getPath().replaceAll(".*/", ""));
      } catch (Throwable t) { bad++; System.out.println("FAIL " + n + " : " + t); }
    }
    System.exit(bad == 0 ? 0 : 1);
  }
}
