/*
 * bench/floor-read.c DIR: open and read every file of DIR, then exit: the
 * floor of `heads` and `history`, what the kernel takes to hand over the
 * revision scripts to any tool that reads them all (openat relative to the
 * folder, one read of up to 64 KiB, close; no parsing). Built by
 * bench/run.sh with the system's cc; not part of migrate.
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	static char buf[65536];
	struct dirent *e;
	DIR *d;
	long n = 0;

	if (argc != 2 || !(d = opendir(argv[1]))) {
		fprintf(stderr, "usage: floor-read DIR\n");
		return 2;
	}
	while ((e = readdir(d))) {
		int fd;

		if (e->d_name[0] == '.')
			continue;
		if ((fd = openat(dirfd(d), e->d_name, O_RDONLY | O_CLOEXEC)) < 0)
			continue;
		if (read(fd, buf, sizeof buf) > 0)
			n++;
		close(fd);
	}
	closedir(d);
	return n > 0 ? 0 : 1;
}
