public class ExitLat {
  static volatile long t0;
  public static void main(String[] a) throws Exception {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("hook after " + (System.nanoTime() - t0) / 1000 + " us")));
    Thread.sleep(300);
    if (a.length > 0 && a[0].equals("warm")) { new Thread(() -> {}).start(); }
    t0 = System.nanoTime();
    System.exit(3);
  }
}
