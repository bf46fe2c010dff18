package flinkonyarn.testcluster;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.service.Service;
import org.apache.hadoop.yarn.server.nodemanager.NodeManager;
import org.apache.hadoop.yarn.server.resourcemanager.ResourceManager;

/**
 * Makes several YARN web apps work inside ONE JVM.
 *
 * <p>Problem (seen with Hadoop 3.4.2): every YARN web app (RM "cluster", NM "node") registers
 * Guice's {@code GuiceFilter} with Jetty <em>by class name</em>, so Jetty creates a GuiceFilter
 * without an injected pipeline, and such a filter dispatches through the static, JVM-wide
 * pipeline, which belongs to whichever web app was started last. In a MiniYARNCluster that is
 * the NodeManager, so {@code GET <rm>/ws/v1/cluster/info} is answered by the NM web app with a
 * 404 "controller for v1 not found". A separate RM/NM process would not have this problem.
 *
 * <p>Fix: each {@code WebApp} also keeps the GuiceFilter its own injector created (with the
 * injected pipeline); copy that pipeline into the Jetty-created filter instance(s) of the same
 * web app. Pure reflection, so a Hadoop line without this layout only logs a warning.
 */
final class GuiceWebAppFix {

  private GuiceWebAppFix() {}

  /** Returns a human-readable list of what was pinned (for the log). */
  static List<String> apply(ResourceManager[] rms, NodeManager[] nms) {
    List<String> done = new ArrayList<>();
    for (ResourceManager rm : rms) {
      if (rm == null) {
        continue;
      }
      try {
        Object webApp = readField(rm, "webApp");
        if (webApp != null) {
          done.add("rm:" + pin(webApp));
        }
      } catch (ReflectiveOperationException | RuntimeException e) {
        MiniClusterMain.info("warning: cannot pin RM web app pipeline: " + e);
      }
    }
    for (NodeManager nm : nms) {
      if (nm == null) {
        continue;
      }
      for (Service s : nm.getServices()) {
        if (s.getClass().getName().endsWith(".nodemanager.webapp.WebServer")) {
          try {
            Object webApp = readField(s, "webApp");
            if (webApp != null) {
              done.add("nm:" + pin(webApp));
            }
          } catch (ReflectiveOperationException | RuntimeException e) {
            MiniClusterMain.info("warning: cannot pin NM web app pipeline: " + e);
          }
        }
      }
    }
    return done;
  }

  /** Copies the injector-made GuiceFilter's pipeline into the Jetty-made one(s). */
  private static int pin(Object webApp) throws ReflectiveOperationException {
    Object ownFilter = readField(webApp, "guiceFilter");
    if (ownFilter == null) {
      return 0;
    }
    Class<?> guiceFilterClass = ownFilter.getClass();
    Field injected = findField(guiceFilterClass, "injectedPipeline");
    Object pipeline = injected.get(ownFilter);
    if (pipeline == null) {
      return 0;
    }
    Object httpServer = webApp.getClass().getMethod("httpServer").invoke(webApp);
    Object context = httpServer.getClass().getMethod("getWebAppContext").invoke(httpServer);
    Object servletHandler = context.getClass().getMethod("getServletHandler").invoke(context);
    Object[] holders = (Object[]) servletHandler.getClass().getMethod("getFilters").invoke(servletHandler);
    int n = 0;
    for (Object holder : holders) {
      Method getFilter = holder.getClass().getMethod("getFilter");
      Object filter = getFilter.invoke(holder);
      if (filter != null && guiceFilterClass.isInstance(filter) && filter != ownFilter) {
        injected.set(filter, pipeline);
        n++;
      }
    }
    return n;
  }

  private static Object readField(Object target, String name) throws ReflectiveOperationException {
    return findField(target.getClass(), name).get(target);
  }

  private static Field findField(Class<?> c, String name) throws NoSuchFieldException {
    for (Class<?> k = c; k != null; k = k.getSuperclass()) {
      try {
        Field f = k.getDeclaredField(name);
        f.setAccessible(true);
        return f;
      } catch (NoSuchFieldException e) {
        // try the superclass
      }
    }
    throw new NoSuchFieldException(c.getName() + "." + name);
  }
}
