/* Sandbox escape attempts through the raw WASI calls (wasm only: there is no native twin).
 * Expects fd 3 = a writable preopen and fd 4 = a read-only preopen, laid out by the test
 * (Tests/WASITests/EndToEndSandboxTests.swift):
 *   box/  file.txt  inner/  inner/up2 -> ../../outside   link_root -> /   link_up -> ../outside
 *         link_abs -> /etc/passwd   chain_a -> chain_b   chain_b -> ../outside/secret.txt
 *         loop1 -> loop2   loop2 -> loop1
 *   ro/   keep.txt
 *   outside/secret.txt   (a sibling of box and ro that the guest must never reach)
 * Prints "NAME: ERRNO" (the WASI errno number) per attempt, then "escapes: N" where N counts the
 * attempts that succeeded. */
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

#define BOX 3
#define RO 4
#define FOLLOW __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW
#define READ __WASI_RIGHTS_FD_READ
#define WRITE __WASI_RIGHTS_FD_WRITE

static int escapes;

static void report(const char *name, __wasi_errno_t err) {
    printf("%s: %d\n", name, (int)err);
    if (err == 0) escapes++;
}

/* path_open; a descriptor that opened by mistake is closed again. */
static __wasi_errno_t open_at(__wasi_fd_t dir, __wasi_lookupflags_t look, const char *path,
                              __wasi_oflags_t oflags, __wasi_rights_t rights) {
    __wasi_fd_t fd;
    __wasi_errno_t err = __wasi_path_open(dir, look, path, oflags, rights, 0, 0, &fd);
    if (err == 0) (void)__wasi_fd_close(fd);
    return err;
}

static __wasi_errno_t stat_at(__wasi_fd_t dir, __wasi_lookupflags_t look, const char *path) {
    __wasi_filestat_t st;
    return __wasi_path_filestat_get(dir, look, path, &st);
}

int main(void) {
    /* Climbing out with "..". */
    report("dotdot_file", open_at(BOX, FOLLOW, "../outside/secret.txt", 0, READ));
    report("dotdot_twice", open_at(BOX, FOLLOW, "../../etc/passwd", 0, READ));
    report("dotdot_after_subdir", open_at(BOX, FOLLOW, "inner/../../outside/secret.txt", 0, READ));
    report("dotdot_dir", open_at(BOX, 0, "..", __WASI_OFLAGS_DIRECTORY, READ));
    /* Absolute paths. */
    report("absolute_file", open_at(BOX, FOLLOW, "/etc/passwd", 0, READ));
    report("absolute_root", open_at(BOX, FOLLOW, "/", __WASI_OFLAGS_DIRECTORY, READ));
    /* Symlinks laid by the host. */
    report("symlink_root_then_path", open_at(BOX, FOLLOW, "link_root/etc/passwd", 0, READ));
    report("symlink_root_dir", open_at(BOX, FOLLOW, "link_root", __WASI_OFLAGS_DIRECTORY, READ));
    report("symlink_up_then_path", open_at(BOX, FOLLOW, "link_up/secret.txt", 0, READ));
    report("symlink_absolute", open_at(BOX, FOLLOW, "link_abs", 0, READ));
    report("symlink_chain", open_at(BOX, FOLLOW, "chain_a", 0, READ));
    report("symlink_nested_up", open_at(BOX, FOLLOW, "inner/up2/secret.txt", 0, READ));
    report("symlink_loop", open_at(BOX, FOLLOW, "loop1", 0, READ));
    report("symlink_nofollow", open_at(BOX, 0, "link_abs", 0, READ));
    report("stat_through_symlink", stat_at(BOX, FOLLOW, "link_root"));
    report("stat_dotdot", stat_at(BOX, 0, "../outside/secret.txt"));
    /* Creating and removing outside. */
    report("create_outside", open_at(BOX, 0, "../outside/new.txt", __WASI_OFLAGS_CREAT, READ | WRITE));
    report("create_through_symlink", open_at(BOX, FOLLOW, "link_up/new.txt", __WASI_OFLAGS_CREAT, READ | WRITE));
    report("mkdir_outside", __wasi_path_create_directory(BOX, "../outside/newdir"));
    report("unlink_outside", __wasi_path_unlink_file(BOX, "../outside/secret.txt"));
    report("rmdir_parent", __wasi_path_remove_directory(BOX, "../outside"));
    /* Renames and links across the boundary. */
    report("rename_out", __wasi_path_rename(BOX, "file.txt", BOX, "../outside/moved.txt"));
    report("rename_in", __wasi_path_rename(BOX, "../outside/secret.txt", BOX, "stolen.txt"));
    report("link_out", __wasi_path_link(BOX, 0, "file.txt", BOX, "../outside/hard.txt"));
    report("link_in", __wasi_path_link(BOX, 0, "../outside/secret.txt", BOX, "hard.txt"));
    report("link_follow_symlink", __wasi_path_link(BOX, FOLLOW, "chain_a", BOX, "hard2.txt"));
    /* Symlinks the guest creates. */
    report("guest_symlink_absolute", __wasi_path_symlink("/etc/passwd", BOX, "evil1"));
    report("guest_symlink_up", __wasi_path_symlink("../outside", BOX, "evil2"));
    report("guest_symlink_up_hidden", __wasi_path_symlink("inner/../..", BOX, "evil3"));
    if (__wasi_path_symlink("inner", BOX, "to_inner") != 0) printf("setup: symlink to_inner failed\n");
    report("guest_symlink_then_climb", open_at(BOX, FOLLOW, "to_inner/../../outside/secret.txt", 0, READ));
    char target[64];
    __wasi_size_t used;
    report("readlink_outside", __wasi_path_readlink(BOX, "../outside/secret.txt", (uint8_t *)target, sizeof target, &used));
    /* A subdirectory descriptor is a capability of its own. */
    __wasi_fd_t inner;
    if (__wasi_path_open(BOX, 0, "inner", __WASI_OFLAGS_DIRECTORY, READ | __WASI_RIGHTS_PATH_OPEN, READ, 0, &inner) != 0) {
        printf("setup: open inner failed\n");
        return 1;
    }
    report("subdir_fd_dotdot", open_at(inner, 0, "../file.txt", 0, READ));
    /* The read-only preopen. */
    report("ro_open_write", open_at(RO, 0, "keep.txt", 0, READ | WRITE));
    report("ro_truncate", open_at(RO, 0, "keep.txt", __WASI_OFLAGS_TRUNC, READ));
    report("ro_create", open_at(RO, 0, "new.txt", __WASI_OFLAGS_CREAT, READ));
    report("ro_unlink", __wasi_path_unlink_file(RO, "keep.txt"));
    report("ro_mkdir", __wasi_path_create_directory(RO, "d"));
    report("ro_rename_out", __wasi_path_rename(RO, "keep.txt", BOX, "taken.txt"));
    report("ro_rename_in", __wasi_path_rename(BOX, "file.txt", RO, "dropped.txt"));
    report("ro_symlink", __wasi_path_symlink("keep.txt", RO, "s"));
    report("ro_set_times", __wasi_path_filestat_set_times(RO, 0, "keep.txt", 1, 1, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM));
    __wasi_fd_t keep;
    if (__wasi_path_open(RO, 0, "keep.txt", 0, READ, 0, 0, &keep) != 0) {
        printf("setup: open keep.txt failed\n");
        return 1;
    }
    __wasi_ciovec_t iov = {(const uint8_t *)"x", 1};
    __wasi_size_t written;
    report("ro_fd_write", __wasi_fd_write(keep, &iov, 1, &written));
    report("ro_fd_set_size", __wasi_fd_filestat_set_size(keep, 0));
    /* Renumbering tricks: the read-only preopen over the subdirectory keeps its own rights,
     * and a file renumbered over the writable preopen is a file, not a directory. */
    report("renumber_ro_over_subdir", __wasi_fd_renumber(RO, inner) == 0
                                          ? open_at(inner, 0, "keep.txt", __WASI_OFLAGS_TRUNC, READ | WRITE)
                                          : 0);
    report("renumber_missing", __wasi_fd_renumber(99, BOX));
    __wasi_fd_t file;
    if (__wasi_path_open(BOX, 0, "file.txt", 0, READ, 0, 0, &file) != 0) {
        printf("setup: open file.txt failed\n");
        return 1;
    }
    report("renumber_file_over_preopen", __wasi_fd_renumber(file, BOX) == 0
                                             ? open_at(BOX, 0, "../outside/secret.txt", 0, READ)
                                             : 0);
    printf("escapes: %d\n", escapes);
    return escapes == 0 ? 0 : 1;
}
