/* File I/O through WASI: create, write, seek, read, pread/pwrite, truncate, O_EXCL, timestamps,
 * rename, unlink, directories and a readdir of 1,000 entries. argv[1] is the directory to work
 * in (a preopen under wasm, a host folder natively). Output is deterministic. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *dir;
static char pathbufs[2][1024];
static int next_buf;

/* dir/name in one of two rotating buffers, so two paths can be passed to one call. */
static const char *at(const char *name) {
    char *buf = pathbufs[next_buf];
    next_buf ^= 1;
    snprintf(buf, sizeof pathbufs[0], "%s/%s", dir, name);
    return buf;
}

#define CHECK(cond, what)                                                   \
    do {                                                                    \
        if (!(cond)) {                                                      \
            printf("FAIL %s: %s\n", what, strerror(errno));                 \
            return 1;                                                       \
        }                                                                   \
    } while (0)

static int readdir_many(void) {
    CHECK(mkdir(at("many"), 0755) == 0, "mkdir many");
    char name[64];
    for (int i = 0; i < 1000; i++) {
        snprintf(name, sizeof name, "many/file-%04d%s", i, i % 10 == 0 ? "-with-a-longer-name" : "");
        int fd = open(at(name), O_CREAT | O_WRONLY, 0644);
        CHECK(fd >= 0, "create entry");
        close(fd);
    }
    DIR *d = opendir(at("many"));
    CHECK(d != NULL, "opendir");
    int count = 0, dots = 0;
    long sum = 0;
    struct dirent *entry;
    while ((entry = readdir(d)) != NULL) {
        if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0) {
            dots++;
            continue;
        }
        count++;
        sum += atoi(entry->d_name + 5);
    }
    closedir(d);
    printf("readdir: %d entries, %d dot entries, index sum %ld\n", count, dots, sum);
    for (int i = 0; i < 1000; i++) {
        snprintf(name, sizeof name, "many/file-%04d%s", i, i % 10 == 0 ? "-with-a-longer-name" : "");
        CHECK(unlink(at(name)) == 0, "unlink entry");
    }
    CHECK(rmdir(at("many")) == 0, "rmdir many");
    return 0;
}

int main(int argc, char **argv) {
    dir = argc > 1 ? argv[1] : "data";
    char buf[64];

    int fd = open(at("a.txt"), O_CREAT | O_TRUNC | O_RDWR, 0644);
    CHECK(fd >= 0, "open a.txt");
    CHECK(write(fd, "hello, world\n", 13) == 13, "write");
    CHECK(lseek(fd, 7, SEEK_SET) == 7, "lseek");
    ssize_t n = read(fd, buf, sizeof buf);
    printf("read after seek: %.*s", (int)n, buf);
    CHECK(pwrite(fd, "J", 1, 0) == 1, "pwrite");
    n = pread(fd, buf, 5, 0);
    printf("pread: %.*s\n", (int)n, buf);
    printf("position after pread: %lld\n", (long long)lseek(fd, 0, SEEK_CUR));
    CHECK(ftruncate(fd, 5) == 0, "ftruncate");
    struct stat st;
    CHECK(fstat(fd, &st) == 0, "fstat");
    printf("size after truncate: %lld, regular: %d\n", (long long)st.st_size, S_ISREG(st.st_mode));
    close(fd);

    fd = open(at("a.txt"), O_CREAT | O_EXCL | O_WRONLY, 0644);
    printf("O_EXCL on existing file: %s\n", fd < 0 && errno == EEXIST ? "EEXIST" : "unexpected");

    fd = open(at("a.txt"), O_WRONLY | O_APPEND);
    CHECK(fd >= 0, "open append");
    CHECK(write(fd, "!", 1) == 1, "append");
    close(fd);
    fd = open(at("a.txt"), O_RDONLY);
    n = read(fd, buf, sizeof buf);
    printf("after append: %.*s\n", (int)n, buf);
    close(fd);

    struct timespec times[2] = {{1000000000, 123456789}, {1200000000, 987654321}};
    CHECK(utimensat(AT_FDCWD, at("a.txt"), times, 0) == 0, "utimensat");
    CHECK(stat(at("a.txt"), &st) == 0, "stat");
    printf("mtime: %lld.%09ld atime: %lld.%09ld\n", (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
           (long long)st.st_atim.tv_sec, st.st_atim.tv_nsec);

    CHECK(rename(at("a.txt"), at("b.txt")) == 0, "rename");
    printf("old name after rename: %s\n", stat(at("a.txt"), &st) != 0 && errno == ENOENT ? "ENOENT" : "exists");
    CHECK(unlink(at("b.txt")) == 0, "unlink");
    printf("after unlink: %s\n", stat(at("b.txt"), &st) != 0 && errno == ENOENT ? "ENOENT" : "exists");

    CHECK(mkdir(at("d"), 0755) == 0, "mkdir");
    printf("mkdir again: %s\n", mkdir(at("d"), 0755) != 0 && errno == EEXIST ? "EEXIST" : "unexpected");
    fd = open(at("d/inner.txt"), O_CREAT | O_WRONLY, 0644);
    close(fd);
    printf("rmdir non-empty: %s\n", rmdir(at("d")) != 0 && errno == ENOTEMPTY ? "ENOTEMPTY" : "unexpected");
    CHECK(unlink(at("d/inner.txt")) == 0, "unlink inner");
    CHECK(rmdir(at("d")) == 0, "rmdir");

    if (readdir_many() != 0) return 1;
    printf("done\n");
    return 0;
}
