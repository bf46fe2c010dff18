package flinkonyarn.testcluster;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.minikdc.MiniKdc;
import org.apache.hadoop.security.UserGroupInformation;

/**
 * The Kerberos side of {@code --secure}: a MiniKdc (Apache Kerby), one service principal for every
 * daemon (they share a JVM, and UGI's login user is global), an HTTP principal for SPNEGO, a client
 * principal with its own keytab, and a self-signed certificate for the HTTPS endpoints a secure
 * HDFS without root needs (SASL data transfer plus HTTPS_ONLY).
 */
final class SecureSetup {

  static final String REALM = "EXAMPLE.COM";
  private static final String STORE_PASSWORD = "minicluster";

  final String host;
  final String servicePrincipal;
  final String httpPrincipal;
  final String clientPrincipal;
  final String clientUser;
  final File serviceKeytab;
  final File clientKeytab;
  final File krb5Conf;
  final File caPem;
  private final File keystore;
  private final File sslDir;
  private MiniKdc kdc;

  SecureSetup(File workDir, String host, String clientUser) {
    this.host = host;
    this.clientUser = clientUser;
    File dir = new File(workDir, "secure");
    this.servicePrincipal = "hadoop/" + host + "@" + REALM;
    this.httpPrincipal = "HTTP/" + host + "@" + REALM;
    this.clientPrincipal = clientUser + "@" + REALM;
    this.serviceKeytab = new File(dir, "service.keytab");
    this.clientKeytab = new File(dir, clientUser + ".keytab");
    this.krb5Conf = new File(dir, "krb5.conf");
    this.caPem = new File(dir, "ca.pem");
    this.keystore = new File(dir, "server.jks");
    this.sslDir = new File(dir, "classpath");
  }

  /** Starts the KDC, writes keytabs, krb5.conf and the TLS material, and logs this JVM in. */
  void start() throws Exception {
    File dir = serviceKeytab.getParentFile();
    Files.createDirectories(dir.toPath());
    Files.createDirectories(sslDir.toPath());
    Properties kdcConf = MiniKdc.createConf();
    kdcConf.setProperty(MiniKdc.KDC_BIND_ADDRESS, host);
    File kdcDir = new File(dir, "kdc");
    Files.createDirectories(kdcDir.toPath());
    kdc = new MiniKdc(kdcConf, kdcDir);
    kdc.start();
    if (!REALM.equals(kdc.getRealm())) {
      throw new IllegalStateException("MiniKdc realm is " + kdc.getRealm() + ", expected " + REALM);
    }
    kdc.createPrincipal(serviceKeytab, "hadoop/" + host, "HTTP/" + host);
    kdc.createPrincipal(clientKeytab, clientUser);
    writeKrb5Conf(kdc.getPort());
    // Java's Kerberos (the daemons here, Flink's JobManager through the shipped file) and MIT's
    // (the Node client, through KRB5_CONFIG) read the same file.
    System.setProperty("java.security.krb5.conf", krb5Conf.getAbsolutePath());
    writeTls();
    writeSiteFiles();
    // Hadoop reads ssl-server.xml from the class path (DFSUtil.loadSslConfiguration, SSLFactory),
    // and the NodeManager's in-process localizer its client settings from core-site.xml and
    // hdfs-site.xml there (new Configuration()): without them it skips the SASL handshake the
    // DataNode requires. Threads started from here inherit this loader, so they find them.
    ClassLoader parent = Thread.currentThread().getContextClassLoader();
    Thread.currentThread()
        .setContextClassLoader(new URLClassLoader(new URL[] {sslDir.toURI().toURL()}, parent));
  }

  /** Every daemon runs as the one service principal; its short name is HDFS's superuser. */
  void login(Configuration conf) throws IOException {
    UserGroupInformation.setConfiguration(conf);
    UserGroupInformation.loginUserFromKeytab(servicePrincipal, serviceKeytab.getAbsolutePath());
  }

  /** What servers and clients alike must agree on. */
  Map<String, String> clientKeys() {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("hadoop.security.authentication", "kerberos");
    c.put("hadoop.security.authorization", "false");
    c.put("dfs.namenode.kerberos.principal", servicePrincipal);
    c.put("dfs.datanode.kerberos.principal", servicePrincipal);
    c.put("dfs.web.authentication.kerberos.principal", httpPrincipal);
    c.put("dfs.block.access.token.enable", "true");
    c.put("dfs.data.transfer.protection", "authentication");
    c.put("dfs.http.policy", "HTTPS_ONLY");
    c.put("yarn.resourcemanager.principal", servicePrincipal);
    c.put("yarn.nodemanager.principal", servicePrincipal);
    return c;
  }

  /** The daemons' settings: principals, keytabs, SPNEGO on every web endpoint, HTTPS for HDFS. */
  void apply(Configuration conf) {
    for (Map.Entry<String, String> e : clientKeys().entrySet()) {
      conf.set(e.getKey(), e.getValue());
    }
    String keytab = serviceKeytab.getAbsolutePath();
    conf.set("dfs.namenode.keytab.file", keytab);
    conf.set("dfs.datanode.keytab.file", keytab);
    conf.set("dfs.web.authentication.kerberos.keytab", keytab);
    conf.set("dfs.namenode.https-address", host + ":0");
    conf.set("dfs.datanode.https.address", host + ":0");
    conf.set("yarn.resourcemanager.keytab", keytab);
    conf.set("yarn.nodemanager.keytab", keytab);
    conf.set("yarn.resourcemanager.webapp.spnego-principal", httpPrincipal);
    conf.set("yarn.resourcemanager.webapp.spnego-keytab-file", keytab);
    conf.set("yarn.nodemanager.webapp.spnego-principal", httpPrincipal);
    conf.set("yarn.nodemanager.webapp.spnego-keytab-file", keytab);
    // SPNEGO on the web servers (the RM swaps this for its own initializer, which also takes
    // RM delegation tokens).
    conf.set(
        "hadoop.http.filter.initializers",
        "org.apache.hadoop.security.AuthenticationFilterInitializer");
    conf.set("hadoop.http.authentication.type", "kerberos");
    conf.set("hadoop.http.authentication.simple.anonymous.allowed", "false");
    conf.set("hadoop.http.authentication.kerberos.principal", httpPrincipal);
    conf.set("hadoop.http.authentication.kerberos.keytab", keytab);
    conf.set("hadoop.ssl.server.conf", "ssl-server.xml");
    conf.set("hadoop.ssl.client.conf", "ssl-client.xml");
  }

  /** The fields the minicluster's READY line adds in secure mode. */
  Map<String, String> readyInfo() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("realm", REALM);
    m.put("krb5Conf", krb5Conf.getAbsolutePath());
    m.put("principal", clientPrincipal);
    m.put("keytab", clientKeytab.getAbsolutePath());
    m.put("ca", caPem.getAbsolutePath());
    m.put("user", clientUser);
    return m;
  }

  void stop() {
    if (kdc != null) {
      try {
        kdc.stop();
      } catch (RuntimeException e) {
        MiniClusterMain.info("error stopping the KDC: " + e);
      }
    }
  }

  private void writeKrb5Conf(int port) throws IOException {
    String text =
        String.join(
            "\n",
            "[libdefaults]",
            "  default_realm = " + REALM,
            "  udp_preference_limit = 1",
            "  dns_lookup_kdc = false",
            "  dns_lookup_realm = false",
            "  dns_canonicalize_hostname = false",
            "  rdns = false",
            "  forwardable = true",
            "  ticket_lifetime = 24h",
            "  renew_lifetime = 7d",
            "",
            "[realms]",
            "  " + REALM + " = {",
            "    kdc = " + host + ":" + port,
            "  }",
            "",
            "[domain_realm]",
            "  " + host + " = " + REALM,
            "  ." + host + " = " + REALM,
            "");
    Files.writeString(krb5Conf.toPath(), text, StandardCharsets.UTF_8);
  }

  /** A self-signed certificate for host (SAN: host and 127.0.0.1), as JKS and as PEM. */
  private void writeTls() throws Exception {
    Files.deleteIfExists(keystore.toPath());
    String keytool =
        new File(System.getProperty("java.home"), "bin/keytool").getAbsolutePath();
    run(
        keytool, "-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048",
        "-sigalg", "SHA256withRSA", "-validity", "30", "-dname", "CN=" + host,
        "-ext", "SAN=dns:" + host + ",ip:127.0.0.1", "-keystore", keystore.getAbsolutePath(),
        "-storetype", "JKS", "-storepass", STORE_PASSWORD, "-keypass", STORE_PASSWORD);
    run(
        keytool, "-exportcert", "-rfc", "-alias", "server", "-keystore",
        keystore.getAbsolutePath(), "-storepass", STORE_PASSWORD, "-file",
        caPem.getAbsolutePath());
    Configuration server = new Configuration(false);
    server.set("ssl.server.keystore.location", keystore.getAbsolutePath());
    server.set("ssl.server.keystore.password", STORE_PASSWORD);
    server.set("ssl.server.keystore.keypassword", STORE_PASSWORD);
    server.set("ssl.server.keystore.type", "jks");
    server.set("ssl.server.truststore.location", keystore.getAbsolutePath());
    server.set("ssl.server.truststore.password", STORE_PASSWORD);
    server.set("ssl.server.truststore.type", "jks");
    writeXml(server, new File(sslDir, "ssl-server.xml"));
    Configuration client = new Configuration(false);
    client.set("ssl.client.truststore.location", keystore.getAbsolutePath());
    client.set("ssl.client.truststore.password", STORE_PASSWORD);
    client.set("ssl.client.truststore.type", "jks");
    writeXml(client, new File(sslDir, "ssl-client.xml"));
  }

  private void writeSiteFiles() throws IOException {
    Configuration core = new Configuration(false);
    Configuration hdfs = new Configuration(false);
    for (Map.Entry<String, String> e : clientKeys().entrySet()) {
      (e.getKey().startsWith("dfs.") ? hdfs : core).set(e.getKey(), e.getValue());
    }
    writeXml(core, new File(sslDir, "core-site.xml"));
    writeXml(hdfs, new File(sslDir, "hdfs-site.xml"));
  }

  private static void writeXml(Configuration c, File f) throws IOException {
    try (OutputStream out = Files.newOutputStream(f.toPath())) {
      c.writeXml(out);
    }
  }

  private static void run(String... command) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(command));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(
          cmd.get(1) + " failed: " + new String(out, StandardCharsets.UTF_8).trim());
    }
  }
}
