/* A one-connection echo server on a socket the host preopened (--tcplisten); argv[1] names its
 * fd (default 3). Echoes until the client shuts down its side, then reports. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv) {
    int listener = argc > 1 ? atoi(argv[1]) : 3;
    int conn = accept(listener, NULL, NULL);
    if (conn < 0) {
        perror("accept");
        return 1;
    }
    char buf[1024];
    long total = 0;
    for (;;) {
        ssize_t n = recv(conn, buf, sizeof buf, 0);
        if (n <= 0) break;
        total += n;
        if (send(conn, buf, (size_t)n, 0) != n) break;
    }
    shutdown(conn, SHUT_RDWR);
    close(conn);
    printf("echoed %ld bytes\n", total);
    return 0;
}
