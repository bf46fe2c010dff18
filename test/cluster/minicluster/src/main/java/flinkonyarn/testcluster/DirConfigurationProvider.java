package flinkonyarn.testcluster;

import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.yarn.conf.ConfigurationProvider;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.exceptions.YarnException;

/**
 * RM configuration provider that serves files (capacity-scheduler.xml, ...) from the directory
 * named by {@value #DIR_KEY}, falling back to the class path like Hadoop's local provider.
 *
 * <p>Why: an HA ResourceManager re-reads capacity-scheduler.xml through this provider when it
 * becomes active ("refreshAll"). The test JVM has no such file on its class path, so the
 * re-read would yield only root.default and fail with "root.second cannot be deleted ... not yet
 * in stopped state". MiniClusterMain writes the queue definition to that directory instead.
 */
public class DirConfigurationProvider extends ConfigurationProvider {

  static final String DIR_KEY = "minicluster.rm.configuration.dir";

  private File dir;

  @Override
  public void initInternal(Configuration bootstrapConf) throws Exception {
    String d = bootstrapConf.get(DIR_KEY);
    dir = d == null ? null : new File(d);
  }

  @Override
  public void closeInternal() throws Exception {}

  @Override
  public InputStream getConfigurationInputStream(Configuration bootstrapConf, String name)
      throws IOException, YarnException {
    if (name == null || name.isEmpty()) {
      throw new YarnException("Illegal argument! The parameter should not be null or empty");
    }
    if (dir != null) {
      File f = new File(dir, name);
      if (f.isFile()) {
        return new FileInputStream(f);
      }
    }
    if (YarnConfiguration.RM_CONFIGURATION_FILES.contains(name)) {
      return bootstrapConf.getConfResourceAsInputStream(name);
    }
    return new FileInputStream(name);
  }
}
