/* c_sink PORT: the paper's C server in shape: accept, fork one process per client, read the
 * client's bytes 4096 at a time and print each read through buffered stdio to standard output
 * (papaya bench sends it to /dev/null). Children are reaped by SIGCHLD = SIG_IGN. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: c_sink PORT\n");
    return 2;
  }
  signal(SIGCHLD, SIG_IGN);
  int ls = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET;
  a.sin_port = htons((unsigned short)atoi(argv[1]));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(ls, (struct sockaddr*)&a, sizeof a) != 0 || listen(ls, 128) != 0) {
    perror("c_sink: bind/listen");
    return 1;
  }
  for (;;) {
    int c = accept(ls, NULL, NULL);
    if (c < 0) continue;
    if (fork() == 0) {
      close(ls);
      char buf[4096];
      ssize_t n;
      while ((n = read(c, buf, sizeof buf)) > 0) fwrite(buf, 1, (size_t)n, stdout);
      fflush(stdout);
      _exit(0);
    }
    close(c);
  }
}
