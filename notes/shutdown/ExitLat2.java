public class ExitLat2 {
  static volatile long t0;
  public static void main(String[] a) throws Exception {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("hook after " + (System.nanoTime() - t0) / 1000 + " us")));
    if (a[0].equals("logger")) { long s = System.nanoTime(); System.getLogger("java.lang.Runtime").isLoggable(System.Logger.Level.DEBUG); System.out.println("getLogger took " + (System.nanoTime() - s) / 1000 + " us"); }
    if (a[0].equals("jul")) { long s = System.nanoTime(); java.util.logging.LogManager.getLogManager(); System.out.println("LogManager took " + (System.nanoTime() - s) / 1000 + " us"); }
    Thread.sleep(300);
    t0 = System.nanoTime();
    System.exit(3);
  }
}
