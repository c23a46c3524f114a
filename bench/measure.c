/*
 * measure: runs a command and records its wall time and peak resident size (from wait4's
 * rusage, so no dependency on GNU time). Built by bench/run: cc -O2 bench/measure.c.
 *
 * usage: measure OUTFILE COMMAND [ARGS...]
 * OUTFILE gets one line: seconds=S maxrss_kb=K status=N; the command's own output passes through.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: measure OUTFILE COMMAND [ARGS...]\n");
        return 2;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid_t child = fork();
    if (child < 0) { perror("measure: fork"); return 2; }
    if (child == 0) {
        execvp(argv[2], argv + 2);
        perror("measure: exec");
        _exit(127);
    }
    int status = 0;
    struct rusage usage;
    if (wait4(child, &status, 0, &usage) < 0) { perror("measure: wait4"); return 2; }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    double cpu = (double)usage.ru_utime.tv_sec + (double)usage.ru_utime.tv_usec / 1e6
               + (double)usage.ru_stime.tv_sec + (double)usage.ru_stime.tv_usec / 1e6;
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    FILE *out = fopen(argv[1], "w");
    if (!out) { perror("measure: OUTFILE"); return 2; }
    fprintf(out, "seconds=%.3f cpu=%.3f maxrss_kb=%ld status=%d\n", seconds, cpu, usage.ru_maxrss, code);
    fclose(out);
    return code;
}
