/*
 * probe.c - the in-guest half of the ipistorm virtual lab (bench/vlab).
 *
 * Runs as a static binary from the initramfs of a QEMU guest (see vlab).
 * It pins itself to CPU 0, forks one pinned worker PROCESS per non-idle
 * CPU of the layout, and then calls a drain trigger N times in lockstep
 * with the workers:
 *
 *   for each call i:   gen = i; wake sleepers; wait until every worker has
 *                      (re)filled its per-CPU LRU batch and acked i, and every
 *                      sleeper is back asleep (+ a settle delay); trigger.
 *
 * The same loop runs a second time without the trigger (the matched
 * background window; each iteration padded by a CPU-0 spin of the length
 * the matching call took), and the counts of that window are subtracted
 * on the host.  Around each window it snapshots /proc/interrupts and
 * counts trace events (workqueue_queue_work / execute_start by function,
 * kprobes on lru_add_drain_all / lru_add_drain_per_cpu / lru_cache_disable,
 * IPI entry events) per CPU from tracefs.  Everything is printed at the
 * end, between "VLAB-BEGIN" and "VLAB-END" lines, on stdout (the serial
 * console), so nothing is printed while a window is measured.
 *
 * Roles (per CPU):  idle, busy-empty, busy-refill, sleep-refill,
 *                   isolated-spin, isolated-spin-refill, busy-touch
 *                   (CPU 0 is "probe").  busy-touch spins and, before each
 *                   call, touches the trigger's page from its own CPU: for
 *                   fadvise it reads the file's first page twice (a miss adds
 *                   the folio to this CPU's batch), for memfd-seal it writes
 *                   the call's memfd (the new folio goes to this CPU's batch).
 * Triggers:         collapse  madvise(MADV_COLLAPSE) on an already huge 2 MB
 *                             page: a plain lru_add_drain_all(), nothing else
 *                   mbind     mbind(MPOL_BIND, MPOL_MF_MOVE) of one page to the
 *                             node it is on: lru_cache_disable()
 *                   none      nothing (a check of the method: nets are 0)
 *   posix_fadvise(POSIX_FADV_DONTNEED) of the first page of --file F (ext4 on
 *   virtio-blk: on tmpfs DONTNEED does nothing), mm/fadvise.c generic_fadvise:
 *                   fadvise-written        the probe writes the page, then fadvise
 *                   fadvise-read           the probe reads it twice, then fadvise
 *                   fadvise-read-elsewhere busy-touch CPUs read it, then fadvise
 *                   fadvise-mapped         the page stays mapped (MAP_SHARED, read)
 *                   fadvise-spliced        the page stays in a pipe (splice)
 *   memfd-seal      fcntl(F_ADD_SEALS, F_SEAL_WRITE) on a fresh one-page memfd
 *                   per call (mm/memfd.c memfd_wait_for_pins), written first
 *                   by busy-touch CPUs (if any), then by the probe
 *
 * usage: probe --roles R0,R1,... [--calls N] [--warmup N] [--trigger T]
 *              [--settle-us U] [--thp never|madvise|always] [--housekeeping 0|1]
 *              [--file PATH]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAXCPU 256
#define PAGE 4096UL
#define HUGE (2UL << 20)
#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25
#endif
#define MPOL_BIND_ 2
#define MPOL_MF_MOVE_ (1 << 1)

enum role { R_PROBE, R_IDLE, R_BUSY_EMPTY, R_BUSY_REFILL, R_SLEEP_REFILL,
            R_ISO_SPIN, R_ISO_SPIN_REFILL, R_BUSY_TOUCH };
static const char *role_names[] = { "probe", "idle", "busy-empty", "busy-refill",
                                    "sleep-refill", "isolated-spin",
                                    "isolated-spin-refill", "busy-touch" };

struct shared {
    int gen;            /* futex word: the call number workers must serve */
    int stop;
    int ready[MAXCPU];
    int ack[MAXCPU];
    long refills[MAXCPU];
};

static struct shared *sh;
static int ncpu;
static enum role roles[MAXCPU];
static pid_t pids[MAXCPU];
static int calls = 20, warmup = 3;
static long settle_us = -1;
static const char *trigger = "collapse";
static const char *thp = "never";
static int hk = 1;
static const char *file_path;   /* --file: the fadvise triggers' file */
static int file_fd = -1;
#define MAXMEMFD 1024
static int memfds[MAXMEMFD];    /* memfd-seal: one per lockstep generation */
static int nmemfd;

/* ---- output: everything is buffered and printed at the end ---- */
static char *out;
static size_t out_len, out_cap;
static void emit(const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        va_start(ap, fmt);
        int n = vsnprintf(out + out_len, out_cap - out_len, fmt, ap);
        va_end(ap);
        if (n >= 0 && (size_t)n < out_cap - out_len) { out_len += n; return; }
        out_cap = out_cap * 2 + (n > 0 ? (size_t)n : 0) + 4096;
        out = realloc(out, out_cap);
        if (!out) _exit(3);
    }
}

static void die(const char *fmt, ...)
{
    va_list ap;
    fflush(stdout);
    printf("VLAB-ERROR ");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf(" (errno %d: %s)\n", errno, strerror(errno));
    if (out_len) { printf("VLAB-BEGIN\n"); fwrite(out, 1, out_len, stdout); printf("VLAB-END\n"); }
    fflush(stdout);
    if (sh) { __atomic_store_n(&sh->stop, 1, __ATOMIC_SEQ_CST); __atomic_add_fetch(&sh->gen, 1, __ATOMIC_SEQ_CST);
              syscall(SYS_futex, &sh->gen, FUTEX_WAKE, INT_MAX, NULL, NULL, 0); }
    exit(2);
}

static int write_file(const char *path, const char *val)
{
    int fd = open(path, O_WRONLY | O_TRUNC);
    if (fd < 0) return -1;
    ssize_t n = write(fd, val, strlen(val));
    int e = errno;
    close(fd);
    errno = e;
    return n == (ssize_t)strlen(val) ? 0 : -1;
}

/* read a whole file into a growing buffer; returns length */
static size_t read_into(const char *path, char **buf, size_t *cap)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0) return 0;
    size_t len = 0;
    for (;;) {
        if (*cap - len < 65536) {
            *cap = *cap * 2 + 65536;
            *buf = realloc(*buf, *cap);
            if (!*buf) die("realloc");
        }
        ssize_t n = read(fd, *buf + len, *cap - len - 1);
        if (n <= 0) break;
        len += n;
    }
    close(fd);
    (*buf)[len] = 0;
    return len;
}

static void read_line(const char *path, char *buf, size_t cap)
{
    buf[0] = 0;
    int fd = open(path, O_RDONLY);
    if (fd < 0) return;
    ssize_t n = read(fd, buf, cap - 1);
    close(fd);
    if (n < 0) n = 0;
    buf[n] = 0;
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' ')) buf[--n] = 0;
}

static void pin(int cpu)
{
    cpu_set_t s;
    CPU_ZERO(&s);
    CPU_SET(cpu, &s);
    if (sched_setaffinity(0, sizeof s, &s)) die("sched_setaffinity cpu %d", cpu);
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static inline void relax(void) { __asm__ __volatile__("pause" ::: "memory"); }

static int is_refill(enum role r) { return r == R_BUSY_REFILL || r == R_SLEEP_REFILL || r == R_ISO_SPIN_REFILL; }
static int is_sleeper(enum role r) { return r == R_SLEEP_REFILL; }

/* ---- worker processes ---- */
static void worker(int cpu, enum role r, long npages)
{
    pin(cpu);
    char *region = mmap(NULL, npages * PAGE, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (region == MAP_FAILED) _exit(10);
    madvise(region, npages * PAGE, MADV_NOHUGEPAGE); /* one 4 KB folio per refill */
    long idx = 0;
    int mygen = __atomic_load_n(&sh->gen, __ATOMIC_ACQUIRE);
    __atomic_store_n(&sh->ack[cpu], mygen, __ATOMIC_RELEASE);
    __atomic_store_n(&sh->ready[cpu], 1, __ATOMIC_RELEASE);
    for (;;) {
        int g;
        while ((g = __atomic_load_n(&sh->gen, __ATOMIC_ACQUIRE)) == mygen) {
            if (is_sleeper(r))
                syscall(SYS_futex, &sh->gen, FUTEX_WAIT, mygen, NULL, NULL, 0);
            else
                relax();
        }
        if (__atomic_load_n(&sh->stop, __ATOMIC_ACQUIRE)) _exit(0);
        mygen = g;
        if (r == R_BUSY_TOUCH) {
            char b[64];
            if (file_fd >= 0) {          /* fadvise-read-elsewhere: read it twice */
                if (pread(file_fd, b, sizeof b, 0) > 0 && pread(file_fd, b, sizeof b, 0) > 0)
                    sh->refills[cpu]++;
            } else if (nmemfd && mygen < nmemfd) {   /* memfd-seal: write this call's memfd */
                if (pwrite(memfds[mygen], "t", 1, 0) == 1) sh->refills[cpu]++;
            }
        } else if (is_refill(r) && idx < npages) {
            /* fault one new anonymous page: its folio goes to this CPU's
             * lru_add folio batch, so cpu_needs_drain(cpu) is true */
            ((volatile char *)region)[idx * PAGE] = 1;
            idx++;
            sh->refills[cpu]++;
        }
        __atomic_store_n(&sh->ack[cpu], mygen, __ATOMIC_RELEASE);
    }
}

/* state letter of a process from /proc/PID/stat */
static char proc_state(pid_t pid)
{
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    read_line(path, buf, sizeof buf);
    char *p = strrchr(buf, ')');
    return (p && p[1] == ' ') ? p[2] : '?';
}

/* ---- housekeeping: unbound kernel threads and unbound workqueues on CPU 0,
 * so that RCU's grace-period kthread, unbound kworkers, kswapd... are not
 * woken on (and do not send IPIs to) the measured CPUs.  Per-CPU kthreads
 * (one CPU in their mask, or PF_NO_SETAFFINITY) are left alone. ---- */
#include <dirent.h>
static void housekeeping(void)
{
    int moved = 0, left = 0;
    DIR *d = opendir("/proc");
    struct dirent *e;
    while (d && (e = readdir(d))) {
        pid_t pid = atoi(e->d_name);
        if (pid <= 1) continue;
        char path[64], buf[1024];
        snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
        read_line(path, buf, sizeof buf);
        char *p = strrchr(buf, ')');
        if (!p) continue;
        /* fields after ") ": state ppid pgrp session tty tpgid flags */
        unsigned long flags = 0;
        char st;
        int ppid, pgrp, sess, tty, tpgid;
        if (sscanf(p + 2, "%c %d %d %d %d %d %lu", &st, &ppid, &pgrp, &sess, &tty, &tpgid, &flags) != 7) continue;
        if (!(flags & 0x00200000)) continue;              /* PF_KTHREAD */
        cpu_set_t s;
        if (sched_getaffinity(pid, sizeof s, &s) || CPU_COUNT(&s) <= 1) continue;
        CPU_ZERO(&s);
        CPU_SET(0, &s);
        if (sched_setaffinity(pid, sizeof s, &s)) left++; else moved++;
    }
    if (d) closedir(d);
    int wq = write_file("/sys/devices/virtual/workqueue/cpumask", "1");
    emit("HOUSEKEEPING kthreads_moved_to_cpu0=%d not_movable=%d unbound_wq_cpumask=%s\n",
         moved, left, wq ? "failed" : "1");
}

/* ---- the trigger ---- */
static char *huge_page;   /* 2 MB, PMD-mapped after the first collapse */
static char *mbind_page;

static int is_fadvise(void) { return !strncmp(trigger, "fadvise-", 8); }
static char *mapped_page;
static int spliced[2] = { -1, -1 };

static int do_trigger(void)
{
    if (is_fadvise()) {
        char b[64];
        if (!strcmp(trigger, "fadvise-written") && pwrite(file_fd, "w", 1, 0) != 1) return errno;
        if (!strcmp(trigger, "fadvise-read") &&
            (pread(file_fd, b, sizeof b, 0) < 0 || pread(file_fd, b, sizeof b, 0) < 0))
            return errno;
        return posix_fadvise(file_fd, 0, PAGE, POSIX_FADV_DONTNEED);
    }
    if (!strcmp(trigger, "memfd-seal")) {
        int g = __atomic_load_n(&sh->gen, __ATOMIC_ACQUIRE);
        if (g >= nmemfd) return ERANGE;
        if (pwrite(memfds[g], "p", 1, 0) != 1) return errno;
        return fcntl(memfds[g], F_ADD_SEALS, F_SEAL_WRITE) ? errno : 0;
    }
    if (!strcmp(trigger, "collapse"))
        return madvise(huge_page, HUGE, MADV_COLLAPSE) ? errno : 0;
    if (!strcmp(trigger, "mbind")) {
        unsigned long mask = 1; /* node 0, where the page already is */
        return syscall(SYS_mbind, mbind_page, PAGE, MPOL_BIND_, &mask, 64, MPOL_MF_MOVE_) ? errno : 0;
    }
    return 0;
}

static void setup_trigger(void)
{
    if (!strcmp(trigger, "collapse")) {
        char *raw = mmap(NULL, 2 * HUGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (raw == MAP_FAILED) die("mmap huge");
        huge_page = (char *)(((uintptr_t)raw + HUGE - 1) & ~(HUGE - 1));
        madvise(huge_page, HUGE, MADV_HUGEPAGE);
        for (unsigned long o = 0; o < HUGE; o += PAGE) huge_page[o] = 1;
        int e = madvise(huge_page, HUGE, MADV_COLLAPSE) ? errno : 0;
        /* check that the page is now PMD-mapped (AnonHugePages in smaps) */
        static char *sm; static size_t smcap;
        read_into("/proc/self/smaps", &sm, &smcap);
        char key[64];
        snprintf(key, sizeof key, "%lx-", (unsigned long)huge_page);
        char *v = strstr(sm, key);
        long ahp = -1;
        if (v && (v = strstr(v, "AnonHugePages:"))) ahp = strtol(v + 14, NULL, 10);
        emit("COLLAPSE-SETUP first_errno=%d anon_huge_kb=%ld\n", e, ahp);
        if (ahp < 2048) die("MADV_COLLAPSE did not give a huge page (errno %d, AnonHugePages %ld kB)", e, ahp);
    } else if (!strcmp(trigger, "mbind")) {
        mbind_page = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (mbind_page == MAP_FAILED) die("mmap");
        unsigned long mask = 1;
        syscall(SYS_mbind, mbind_page, PAGE, MPOL_BIND_, &mask, 64, 0);
        mbind_page[0] = 1;
    } else if (is_fadvise()) {
        /* file_fd was opened before the workers were forked */
        if (!strcmp(trigger, "fadvise-mapped")) {
            mapped_page = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, file_fd, 0);
            if (mapped_page == MAP_FAILED) die("mmap %s: %s", file_path, strerror(errno));
            emit("FILE-SETUP mapped first_byte=%d\n", ((volatile char *)mapped_page)[0]);
        } else if (!strcmp(trigger, "fadvise-spliced")) {
            loff_t off = 0;
            if (pipe(spliced)) die("pipe");
            ssize_t n = splice(file_fd, &off, spliced[1], NULL, PAGE, 0);
            if (n <= 0) die("splice %s: %s", file_path, strerror(errno));
            emit("FILE-SETUP spliced bytes=%ld\n", (long)n);
        }
    } else if (strcmp(trigger, "none") && strcmp(trigger, "memfd-seal")) {
        die("unknown trigger %s", trigger);
    }
}

/* before the fork: the fadvise triggers' file, or memfd-seal's memfds (one
 * per lockstep generation: warm-up, calls and background), so that the
 * busy-touch workers share them */
static void open_trigger_files(void)
{
    if (is_fadvise()) {
        if (!file_path) die("trigger %s needs --file (a file on a block-backed filesystem)", trigger);
        file_fd = open(file_path, O_RDWR);
        if (file_fd < 0) die("open %s: %s", file_path, strerror(errno));
        char b[PAGE];
        memset(b, 'f', sizeof b);
        if (pwrite(file_fd, b, sizeof b, 0) != (ssize_t)sizeof b || fsync(file_fd))
            die("write %s: %s", file_path, strerror(errno));
        emit("FILE %s\n", file_path);
    } else if (!strcmp(trigger, "memfd-seal")) {
        nmemfd = warmup + 2 * calls + 8;
        if (nmemfd > MAXMEMFD) die("memfd-seal: at most %d calls", (MAXMEMFD - 8) / 2);
        for (int i = 0; i < nmemfd; i++) {
            memfds[i] = memfd_create("vlab", MFD_ALLOW_SEALING);
            if (memfds[i] < 0 || ftruncate(memfds[i], PAGE)) die("memfd_create: %s", strerror(errno));
        }
        emit("FILE memfds=%d\n", nmemfd);
    }
}

/* ---- tracefs ---- */
#define TR "/sys/kernel/tracing/"
static int tracing_ok;
static const char *events[] = {
    "workqueue/workqueue_queue_work", "workqueue/workqueue_execute_start",
    "irq_vectors/reschedule_entry", "irq_vectors/call_function_entry",
    "irq_vectors/call_function_single_entry", "irq_vectors/irq_work_entry",
    "ipi/ipi_send_cpu", "ipi/ipi_send_cpumask",
    "sched/sched_wake_idle_without_ipi", "vlab/enable", NULL };

static void setup_tracing(void)
{
    if (access(TR "trace", R_OK)) { emit("TRACING unavailable\n"); return; }
    tracing_ok = 1;
    write_file(TR "tracing_on", "0");
    write_file(TR "buffer_size_kb", "2048");
    static const char *kp[][2] = { { "drain_all", "lru_add_drain_all" },
                                   { "drain_per_cpu", "lru_add_drain_per_cpu" },
                                   { "cache_disable", "lru_cache_disable" },
                                   /* the idle-load-balance kick (a CAL to an idle CPU) */
                                   { "nohz_ilb_kick", "nohz_csd_func" } };
    for (unsigned i = 0; i < sizeof kp / sizeof kp[0]; i++) {
        char line[128];
        snprintf(line, sizeof line, "p:vlab/%s %s\n", kp[i][0], kp[i][1]);
        int fd = open(TR "kprobe_events", O_WRONLY | O_APPEND);
        int ok = fd >= 0 && write(fd, line, strlen(line)) == (ssize_t)strlen(line);
        if (fd >= 0) close(fd);
        emit("KPROBE %s %s\n", kp[i][1], ok ? "ok" : "failed");
    }
    for (int i = 0; events[i]; i++) {
        char p[256];
        snprintf(p, sizeof p, TR "events/%s%s", events[i], strstr(events[i], "/enable") ? "" : "/enable");
        emit("EVENT %s %s\n", events[i], write_file(p, "1") ? "unavailable" : "on");
    }
}

struct tcount { char key[96]; int cpu; long n; };
static struct tcount *tc;
static int ntc, tccap;
static void tc_add(const char *key, int cpu)
{
    for (int i = 0; i < ntc; i++)
        if (tc[i].cpu == cpu && !strcmp(tc[i].key, key)) { tc[i].n++; return; }
    if (ntc == tccap) { tccap = tccap * 2 + 64; tc = realloc(tc, tccap * sizeof *tc); }
    snprintf(tc[ntc].key, sizeof tc[ntc].key, "%s", key);
    tc[ntc].cpu = cpu;
    tc[ntc].n = 1;
    ntc++;
}

static char *trbuf; static size_t trcap;
/* count the events of the trace buffer per (event[:function], cpu).  For
 * events with a cpu= field the CPU is that target, otherwise the CPU that
 * logged the event. */
static void count_trace(const char *win)
{
    if (!tracing_ok) return;
    size_t len = read_into(TR "trace", &trbuf, &trcap);
    ntc = 0;
    char *line = trbuf, *end = trbuf + len;
    while (line < end) {
        char *nl = memchr(line, '\n', end - line);
        if (!nl) nl = end;
        *nl = 0;
        if (line[0] == '#') {
            char *e = strstr(line, "entries-in-buffer/entries-written:");
            if (e) emit("TRACE-HDR %s %s\n", win, e);
        } else {
            char *b = strstr(line, "] ");
            char *lb = b ? b : NULL;
            while (lb && lb > line && *lb != '[') lb--;
            char *ts = b ? strstr(b, ": ") : NULL;
            if (lb && ts) {
                int cpu = atoi(lb + 1);
                char *ev = ts + 2;
                char *evend = strchr(ev, ':');
                if (evend) {
                    char key[96];
                    size_t el = evend - ev;
                    if (el > 40) el = 40;
                    memcpy(key, ev, el);
                    key[el] = 0;
                    /* the function (workqueue events) or the IPI callback
                     * (ipi_send_cpu/_cpumask, 6.3+) names what it was for */
                    char *f = strstr(evend, "function=");
                    if (!f) f = strstr(evend, "function ");
                    if (!f) f = strstr(evend, "callback=");
                    if (f) {
                        f += 9;
                        size_t fl = strcspn(f, " \t");
                        if (fl > 50) fl = 50;
                        strcat(key, ":");
                        strncat(key, f, fl);
                    }
                    /* events naming a target CPU (workqueue_queue_work,
                     * sched_wake_idle_without_ipi) count for that CPU */
                    char *c = strstr(evend, " cpu=");
                    if (c) cpu = atoi(c + 5);
                    tc_add(key, cpu);
                }
            }
        }
        line = nl + 1;
    }
    for (int i = 0; i < ntc; i++)
        emit("TRACE %s %s %d %ld\n", win, tc[i].key, tc[i].cpu, tc[i].n);
}

/* ---- /proc/interrupts snapshots, kept in memory until the end ---- */
static char *snap[4];
static size_t snapcap[4];
static void snapshot(int i) { read_into("/proc/interrupts", &snap[i], &snapcap[i]); }

/* ---- one window of lockstep iterations ---- */
static uint64_t *call_ns;
static int call_err;

static void lockstep(int iter, int with_trigger)
{
    int any_sleeper = 0;
    for (int c = 1; c < ncpu; c++) any_sleeper |= is_sleeper(roles[c]);
    int g = __atomic_add_fetch(&sh->gen, 1, __ATOMIC_SEQ_CST);
    if (any_sleeper) syscall(SYS_futex, &sh->gen, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
    for (int c = 1; c < ncpu; c++) {
        if (!pids[c]) continue;
        while (__atomic_load_n(&sh->ack[c], __ATOMIC_ACQUIRE) != g) relax();
    }
    for (int c = 1; c < ncpu; c++)
        if (pids[c] && is_sleeper(roles[c]))
            while (proc_state(pids[c]) != 'S') relax();
    if (settle_us > 0) {
        struct timespec ts = { settle_us / 1000000, (settle_us % 1000000) * 1000 };
        while (clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, &ts) == EINTR) ;
    }
    if (with_trigger) {
        uint64_t t0 = now_ns();
        int e = do_trigger();
        if (e && !call_err) call_err = e;
        if (iter >= 0) call_ns[iter] = now_ns() - t0;
    } else if (iter >= 0) {
        uint64_t t0 = now_ns();
        while (now_ns() - t0 < call_ns[iter]) relax();
    }
}

static void parse_roles(char *s)
{
    ncpu = 0;
    for (char *tok = strtok(s, ","); tok && ncpu < MAXCPU; tok = strtok(NULL, ",")) {
        int r = -1;
        for (unsigned i = 0; i < sizeof role_names / sizeof role_names[0]; i++)
            if (!strcmp(tok, role_names[i])) r = i;
        if (r < 0) die("unknown role %s", tok);
        roles[ncpu++] = r;
    }
    roles[0] = R_PROBE;
}

/* One counting window: tracing cleared and on, /proc/interrupts read into
   snapshots `first` and first+1 around `calls` lockstep iterations (with
   the trigger or without), trace events counted under `name`. Returns its
   length in ns (recorded, never interpreted: TCG time means nothing). */
static uint64_t run_window(const char *name, int first, int trigger)
{
    if (tracing_ok) { write_file(TR "tracing_on", "0"); write_file(TR "trace", ""); write_file(TR "tracing_on", "1"); }
    uint64_t t0 = now_ns();
    snapshot(first);
    for (int i = 0; i < calls; i++) lockstep(i, trigger);
    snapshot(first + 1);
    uint64_t t1 = now_ns();
    if (tracing_ok) write_file(TR "tracing_on", "0");
    count_trace(name);
    return t1 - t0;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOFBF, 1 << 16);
    out_cap = 1 << 20;
    out = malloc(out_cap);
    char *roles_arg = NULL;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--roles")) roles_arg = argv[i + 1];
        else if (!strcmp(argv[i], "--calls")) calls = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--warmup")) warmup = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--trigger")) trigger = argv[i + 1];
        else if (!strcmp(argv[i], "--settle-us")) settle_us = atol(argv[i + 1]);
        else if (!strcmp(argv[i], "--thp")) thp = argv[i + 1];
        else if (!strcmp(argv[i], "--housekeeping")) hk = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--file")) file_path = argv[i + 1];
        else die("unknown argument %s", argv[i]);
    }
    if (!roles_arg) die("--roles missing");
    parse_roles(roles_arg);
    int online = (int)sysconf(_SC_NPROCESSORS_ONLN);
    if (online != ncpu) die("layout has %d CPUs, guest has %d online", ncpu, online);
    call_ns = calloc(calls + 1, sizeof *call_ns);

    pin(0);
    char buf[4096];
    read_line("/proc/sys/kernel/osrelease", buf, sizeof buf);
    emit("UNAME %s\n", buf);
    read_line("/proc/cmdline", buf, sizeof buf);
    emit("CMDLINE %s\n", buf);
    emit("CONFIG calls=%d warmup=%d trigger=%s thp=%s\n", calls, warmup, trigger, thp);

    /* quieten the guest: no periodic vmstat folding, watchdogs, NUMA scanning,
     * proactive compaction; khugepaged either stopped (THP never) or asleep */
    static const char *knobs[][2] = {
        { "/proc/sys/vm/stat_interval", "3600" },
        { "/proc/sys/kernel/watchdog", "0" },
        { "/proc/sys/kernel/numa_balancing", "0" },
        { "/proc/sys/vm/compaction_proactiveness", "0" },
        { "/sys/kernel/mm/transparent_hugepage/khugepaged/scan_sleep_millisecs", "86400000" },
        { "/sys/kernel/mm/transparent_hugepage/khugepaged/alloc_sleep_millisecs", "86400000" },
        { "/sys/kernel/mm/transparent_hugepage/enabled", NULL },
    };
    for (unsigned i = 0; i < sizeof knobs / sizeof knobs[0]; i++) {
        const char *v = knobs[i][1] ? knobs[i][1] : thp;
        int r = write_file(knobs[i][0], v);
        emit("KNOB %s=%s %s\n", knobs[i][0], v, r ? "failed" : "ok");
    }
    read_line("/sys/kernel/mm/transparent_hugepage/enabled", buf, sizeof buf);
    emit("THP %s\n", buf);

    /* the guest's topology as it sees it */
    for (int c = 0; c < ncpu; c++) {
        char p[256], pkg[32], core[32], sib[256], llc[256];
        snprintf(p, sizeof p, "/sys/devices/system/cpu/cpu%d/topology/physical_package_id", c);
        read_line(p, pkg, sizeof pkg);
        snprintf(p, sizeof p, "/sys/devices/system/cpu/cpu%d/topology/core_id", c);
        read_line(p, core, sizeof core);
        snprintf(p, sizeof p, "/sys/devices/system/cpu/cpu%d/topology/thread_siblings_list", c);
        read_line(p, sib, sizeof sib);
        llc[0] = 0;
        for (int idx = 3; idx >= 0 && !llc[0]; idx--) {
            snprintf(p, sizeof p, "/sys/devices/system/cpu/cpu%d/cache/index%d/shared_cpu_list", c, idx);
            read_line(p, llc, sizeof llc);
        }
        int node = -1;
        for (int n = 0; n < 64 && node < 0; n++) {
            snprintf(p, sizeof p, "/sys/devices/system/cpu/cpu%d/node%d", c, n);
            if (!access(p, F_OK)) node = n;
        }
        emit("TOPO cpu=%d package=%s core=%s node=%d siblings=%s llc=%s role=%s\n", c, pkg, core,
             node, sib, llc[0] ? llc : "?", role_names[roles[c]]);
    }
    read_line("/sys/devices/system/cpu/isolated", buf, sizeof buf);
    emit("ISOLATED %s\n", buf[0] ? buf : "-");
    read_line("/sys/devices/system/cpu/nohz_full", buf, sizeof buf);
    emit("NOHZ_FULL %s\n", buf[0] ? buf : "-");

    /* the workers: separate processes (not threads: threads of the caller's
     * mm would add TLB and mmap_lock effects) */
    sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (sh == MAP_FAILED) die("mmap shared");
    memset(sh, 0, sizeof *sh);
    long npages = warmup + 2L * calls + 16;
    int any_sleeper = 0;
    open_trigger_files();
    for (int c = 1; c < ncpu; c++) {
        if (roles[c] == R_IDLE) continue;
        any_sleeper |= is_sleeper(roles[c]);
        pid_t p = fork();
        if (p < 0) die("fork");
        if (!p) worker(c, roles[c], npages);
        pids[c] = p;
    }
    for (int c = 1; c < ncpu; c++)
        if (pids[c]) while (!__atomic_load_n(&sh->ready[c], __ATOMIC_ACQUIRE)) relax();
    if (settle_us < 0) settle_us = any_sleeper ? 20000 : 0;
    emit("SETTLE_US %ld\n", settle_us);

    if (hk) housekeeping(); else emit("HOUSEKEEPING off\n");
    setup_trigger();
    setup_tracing();

    /* pre-fault the buffers used inside the windows, so the probe's own CPU
     * adds nothing to its LRU batch while measuring */
    for (int i = 0; i < 4; i++) {
        size_t len = read_into("/proc/interrupts", &snap[i], &snapcap[i]);
        snapcap[i] = 2 * len + 262144;   /* room to spare: no realloc in a window */
        snap[i] = realloc(snap[i], snapcap[i]);
        if (!snap[i]) die("realloc");
        memset(snap[i], 0, snapcap[i]);
    }
    { char *b; size_t c2 = 0; b = NULL; read_into("/proc/self/stat", &b, &c2); free(b); }

    /* warm-up: kworkers exist, every batch and cache is in steady state */
    for (int i = 0; i < warmup; i++) lockstep(-1, 1);
    call_err = 0;

    /* window 1: the calls; window 2: the matched background, the same
       lockstep without the trigger */
    uint64_t calls_ns = run_window("calls", 0, 1);
    uint64_t background_ns = run_window("background", 2, 0);

    emit("WINDOW calls ns=%llu\nWINDOW background ns=%llu\n",
         (unsigned long long)calls_ns, (unsigned long long)background_ns);
    emit("TRIGGER-ERRNO %d\n", call_err);

    __atomic_store_n(&sh->stop, 1, __ATOMIC_SEQ_CST);
    __atomic_add_fetch(&sh->gen, 1, __ATOMIC_SEQ_CST);
    syscall(SYS_futex, &sh->gen, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
    for (int c = 1; c < ncpu; c++)
        if (pids[c]) { waitpid(pids[c], NULL, 0); emit("REFILLS cpu=%d %ld\n", c, sh->refills[c]); }

    static const char *names[4] = { "calls_before", "calls_after", "background_before", "background_after" };
    for (int i = 0; i < 4; i++)
        emit("INTR %s\n%sINTR-END\n", names[i], snap[i]);

    printf("VLAB-BEGIN\n");
    fwrite(out, 1, out_len, stdout);
    printf("VLAB-END\n");
    fflush(stdout);
    return 0;
}
