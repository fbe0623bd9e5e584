/* Can readers starve a waiting writer under flock(2) on this Linux? (docs/properties.md)
 * R reader processes, each with its own open file description, loop forever:
 *   LOCK_SH; hold HOLD_US; LOCK_UN; pause GAP_US
 * A writer asks for LOCK_EX 100 ms later and gives up after 5 s (SIGALRM interrupts flock).
 * Prints how long the writer waited. Not built by CMake: a probe, run by hand:
 *   gcc -O1 -DHOLD_US=10000 -DGAP_US=10 -o /tmp/flock_starvation \
 *       conformance/kernel/probes/flock_starvation.c && /tmp/flock_starvation 8 /tmp/starve.lock
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef HOLD_US
#define HOLD_US 10000
#endif
#ifndef GAP_US
#define GAP_US 10
#endif

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void on_alarm(int sig) { (void)sig; }

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s READERS LOCKFILE\n", argv[0]);
    return 2;
  }
  int readers = atoi(argv[1]);
  if (readers < 0 || readers > 64) return 2;
  pid_t kids[64];
  close(open(argv[2], O_RDWR | O_CREAT, 0600));
  for (int i = 0; i < readers; i++) {
    if ((kids[i] = fork()) == 0) {
      int fd = open(argv[2], O_RDWR);
      for (;;) {
        flock(fd, LOCK_SH);
        usleep(HOLD_US);
        flock(fd, LOCK_UN);
        usleep(GAP_US);
      }
    }
  }
  usleep(100000);
  int w = open(argv[2], O_RDWR);
  struct sigaction sa = {0};
  sa.sa_handler = on_alarm; /* no SA_RESTART: flock returns EINTR */
  sigaction(SIGALRM, &sa, NULL);
  alarm(5);
  double t0 = now();
  int r = flock(w, LOCK_EX);
  printf("readers=%d hold=%dus gap=%dus: writer %s after %.3f s\n", readers, HOLD_US, GAP_US,
         r == 0 ? "got LOCK_EX" : "gave up (EINTR)", now() - t0);
  for (int i = 0; i < readers; i++) kill(kids[i], SIGKILL);
  while (wait(NULL) > 0) {
  }
  return 0;
}
