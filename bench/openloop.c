/* openloop: an open-loop HTTP/1.1 load generator for the benchmark (issue 10).
 *
 *   openloop HOST PORT PATH BODY_FILE RATE SECONDS [CONNECTIONS=64] [WARMUP_SECONDS=1]
 *   (env OPENLOOP_HEADER="Name: value" adds one request header)
 *
 * Request i is *scheduled* at t0 + i/RATE, whatever happened to the requests before it. A due
 * request goes out at once on an idle keep-alive connection; when all CONNECTIONS are busy it
 * waits in a FIFO queue in this process. Its latency is measured from its scheduled time to the
 * last byte of its response, so time spent waiting behind a slow answer (in our queue, in the
 * kernel, in the server) is counted, not hidden: this is the correction for coordinated omission
 * (the server cannot slow the load down by answering slowly, as it can with hey's or wrk's
 * per-connection pacing). The latency from the actual send is reported too ("service_ms"), as is
 * how late the sends were ("send_lag_ms"), which says whether this generator kept its schedule.
 * Requests still unanswered GRACE seconds after the last one was due are counted as "unfinished"
 * and enter the corrected percentiles with the time they had waited so far (a lower bound).
 *
 * One thread, epoll, an absolute timerfd per tick (timer slack 1 µs), no allocation on the hot
 * path: ~2-4 % of a core at 1,000 RPS. Prints one JSON object on stdout. Built by bench/run.sh
 * with `cc -O2`. Responses must carry Content-Length or be chunked.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#define RBUF (256 * 1024)
#define GRACE_NS (5ull * 1000000000ull)

typedef struct {
    int fd, busy;
    uint64_t sched, sent;
    size_t wpos, rlen;
    char *rbuf;
} conn_t;

static struct sockaddr_in addr;
static char *req;
static size_t req_len;
static int ep;
static conn_t *conns;
static int nconns;
static int *idle, nidle;
static uint64_t *queue; /* scheduled times of due requests waiting for a connection */
static size_t qhead, qtail;
static double *lat, *svc, *lag; /* ms, recorded requests only */
static size_t nrec, nok, nerr, nnon2xx, nunfinished, maxq, nanswered;
static uint64_t t_rec; /* requests scheduled before this are warm-up */
static uint64_t t0;
static int secs;
static uint32_t *per_sec_n;
static double *per_sec_max;

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void die(const char *what) {
    perror(what);
    exit(2);
}

static void conn_open(int i) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) die("socket");
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0) die("connect");
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP, .data.u32 = (uint32_t)i};
    if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0) die("epoll_ctl");
    conns[i].fd = fd;
    conns[i].busy = 0;
    conns[i].rlen = 0;
    idle[nidle++] = i;
}

static void record(uint64_t sched, uint64_t sent, uint64_t done, int ok, int non2xx) {
    if (ok || non2xx) nanswered++;
    if (sched < t_rec) return;
    double l = (double)(done - sched) / 1e6;
    lat[nrec] = l;
    svc[nrec] = sent ? (double)(done - sent) / 1e6 : l;
    lag[nrec] = sent ? (double)(sent - sched) / 1e6 : l;
    nrec++;
    if (ok) nok++;
    if (non2xx) nnon2xx++;
    if (!ok && !non2xx) nerr++;
    int s = (int)((sched - t_rec) / 1000000000ull);
    if (s >= 0 && s < secs) {
        per_sec_n[s]++;
        if (l > per_sec_max[s]) per_sec_max[s] = l;
    }
}

static void conn_reset(int i) { /* error or close: drop the connection, open a fresh one */
    if (!conns[i].busy)
        for (int k = 0; k < nidle; k++)
            if (idle[k] == i) {
                idle[k] = idle[--nidle];
                break;
            }
    epoll_ctl(ep, EPOLL_CTL_DEL, conns[i].fd, NULL);
    close(conns[i].fd);
    conn_open(i);
}

static void conn_write(int i) {
    conn_t *c = &conns[i];
    while (c->wpos < req_len) {
        ssize_t n = write(c->fd, req + c->wpos, req_len - c->wpos);
        if (n < 0) {
            if (errno == EAGAIN) {
                struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP, .data.u32 = (uint32_t)i};
                epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
                return;
            }
            record(c->sched, c->sent, now_ns(), 0, 0);
            conn_reset(i); /* puts i back on the idle stack */
            return;
        }
        c->wpos += (size_t)n;
    }
}

static void dispatch(void) {
    while (qhead < qtail && nidle > 0) {
        int i = idle[--nidle];
        conn_t *c = &conns[i];
        c->busy = 1;
        c->sched = queue[qhead++];
        c->sent = now_ns();
        c->wpos = 0;
        c->rlen = 0;
        conn_write(i);
    }
}

/* Length of a complete response at the start of buf, 0 if incomplete, -1 if unparseable. */
static long response_length(const char *buf, size_t len, int *status, int *close_after) {
    const char *end = memmem(buf, len, "\r\n\r\n", 4);
    if (!end) return 0;
    size_t head = (size_t)(end - buf) + 4;
    if (len < 12 || strncmp(buf, "HTTP/1.", 7) != 0) return -1;
    *status = atoi(buf + 9);
    long clen = -1;
    int chunked = 0;
    *close_after = 0;
    for (const char *p = buf;;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl || nl + 1 >= end) break;
        p = nl + 1;
        size_t room = (size_t)(end - p) < 64 ? (size_t)(end - p) : 64;
        if (!strncasecmp(p, "content-length:", 15)) clen = atol(p + 15);
        else if (!strncasecmp(p, "transfer-encoding:", 18) && memmem(p, room, "chunked", 7)) chunked = 1;
        else if (!strncasecmp(p, "connection:", 11) && memmem(p, room, "close", 5)) *close_after = 1;
    }
    if (chunked) {
        const char *t = memmem(buf + head, len - head, "0\r\n\r\n", 5);
        if (!t) return 0;
        return (long)(t - buf) + 5;
    }
    if (clen < 0) clen = 0;
    return head + (size_t)clen <= len ? (long)(head + (size_t)clen) : 0;
}

static void conn_read(int i) {
    conn_t *c = &conns[i];
    for (;;) {
        if (c->rlen == RBUF) { /* oversized answer: give up on it */
            record(c->sched, c->sent, now_ns(), 0, 0);
            conn_reset(i);
            return;
        }
        ssize_t n = read(c->fd, c->rbuf + c->rlen, RBUF - c->rlen);
        if (n > 0) {
            c->rlen += (size_t)n;
            continue;
        }
        if (n < 0 && errno == EAGAIN) break;
        /* closed or failed */
        if (c->busy) record(c->sched, c->sent, now_ns(), 0, 0);
        conn_reset(i);
        return;
    }
    if (!c->busy) { /* unsolicited bytes */
        conn_reset(i);
        return;
    }
    int status = 0, close_after = 0;
    long rl = response_length(c->rbuf, c->rlen, &status, &close_after);
    if (rl == 0) return;
    uint64_t done = now_ns();
    if (rl < 0) {
        record(c->sched, c->sent, done, 0, 0);
        conn_reset(i);
        return;
    }
    int ok = status >= 200 && status < 300;
    record(c->sched, c->sent, done, ok, !ok);
    if (close_after) {
        conn_reset(i);
        return;
    }
    c->busy = 0;
    c->rlen = 0;
    idle[nidle++] = i;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double pct(double *v, size_t n, double p) {
    if (!n) return 0;
    double k = (double)(n - 1) * p / 100.0;
    size_t lo = (size_t)k, hi = lo + 1 < n ? lo + 1 : lo;
    return v[lo] + (v[hi] - v[lo]) * (k - (double)lo);
}

static void print_pcts(const char *name, double *v, size_t n) {
    static const double ps[] = {50, 75, 90, 95, 99, 99.9, 99.99};
    static const char *names[] = {"p50", "p75", "p90", "p95", "p99", "p99.9", "p99.99"};
    qsort(v, n, sizeof *v, cmp);
    double sum = 0;
    for (size_t i = 0; i < n; i++) sum += v[i];
    printf("\"%s\": {", name);
    for (int k = 0; k < 7; k++) printf("\"%s\": %.4f, ", names[k], pct(v, n, ps[k]));
    printf("\"mean\": %.4f, \"max\": %.4f}", n ? sum / (double)n : 0, n ? v[n - 1] : 0);
}

int main(int argc, char **argv) {
    if (argc < 7) {
        fprintf(stderr, "usage: openloop HOST PORT PATH BODY_FILE RATE SECONDS [CONNECTIONS] [WARMUP_SECONDS]\n");
        return 2;
    }
    const char *host = argv[1], *path = argv[3];
    int port = atoi(argv[2]);
    double rate = atof(argv[5]);
    secs = atoi(argv[6]);
    nconns = argc > 7 ? atoi(argv[7]) : 64;
    double warmup = argc > 8 ? atof(argv[8]) : 1.0;
    prctl(PR_SET_TIMERSLACK, 1UL);

    FILE *bf = fopen(argv[4], "rb");
    if (!bf) die("body file");
    static char body[65536];
    size_t blen = fread(body, 1, sizeof body, bf);
    fclose(bf);
    const char *extra = getenv("OPENLOOP_HEADER");
    req = malloc(blen + 4096);
    req_len = (size_t)sprintf(req, "POST %s HTTP/1.1\r\nHost: %s:%d\r\nContent-Type: application/json\r\n"
                                   "Content-Length: %zu\r\n%s%s\r\n",
                              path, host, port, blen, extra ? extra : "", extra ? "\r\n" : "");
    memcpy(req + req_len, body, blen);
    req_len += blen;

    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, host, &addr.sin_addr) != 1) die("host must be an IPv4 address");

    ep = epoll_create1(0);
    conns = calloc((size_t)nconns, sizeof *conns);
    idle = calloc((size_t)nconns, sizeof *idle);
    for (int i = 0; i < nconns; i++) {
        conns[i].rbuf = malloc(RBUF);
        conn_open(i);
    }
    int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
    struct epoll_event tev = {.events = EPOLLIN, .data.u32 = UINT32_MAX};
    epoll_ctl(ep, EPOLL_CTL_ADD, tfd, &tev);

    size_t total = (size_t)(rate * (warmup + secs));
    uint64_t interval = (uint64_t)(1e9 / rate);
    queue = malloc(total * sizeof *queue);
    lat = malloc(total * sizeof *lat);
    svc = malloc(total * sizeof *svc);
    lag = malloc(total * sizeof *lag);
    per_sec_n = calloc((size_t)secs, sizeof *per_sec_n);
    per_sec_max = calloc((size_t)secs, sizeof *per_sec_max);
    struct rusage ru0, ru1;
    getrusage(RUSAGE_SELF, &ru0);

    t0 = now_ns() + 10000000ull;
    t_rec = t0 + (uint64_t)(warmup * 1e9);
    size_t next = 0;
    uint64_t last_due = t0 + (total ? (total - 1) : 0) * interval;
    struct epoll_event evs[256];
    for (;;) {
        uint64_t now = now_ns();
        while (next < total && t0 + next * interval <= now) {
            queue[qtail++] = t0 + next * interval;
            next++;
        }
        if (qtail - qhead > maxq) maxq = qtail - qhead;
        dispatch();
        int outstanding = (int)(qtail - qhead) + (nconns - nidle);
        if (next >= total && outstanding == 0) break;
        if (next >= total && now > last_due + GRACE_NS) break;
        uint64_t wake = next < total ? t0 + next * interval : last_due + GRACE_NS;
        struct itimerspec its = {.it_value = {.tv_sec = (time_t)(wake / 1000000000ull), .tv_nsec = (long)(wake % 1000000000ull)}};
        timerfd_settime(tfd, TFD_TIMER_ABSTIME, &its, NULL);
        int n = epoll_wait(ep, evs, 256, -1);
        for (int k = 0; k < n; k++) {
            uint32_t i = evs[k].data.u32;
            if (i == UINT32_MAX) {
                uint64_t x;
                ssize_t r = read(tfd, &x, sizeof x);
                (void)r;
                continue;
            }
            if (evs[k].events & EPOLLOUT) {
                conn_write((int)i);
                if (conns[i].wpos == req_len) {
                    struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP, .data.u32 = i};
                    epoll_ctl(ep, EPOLL_CTL_MOD, conns[i].fd, &ev);
                }
            }
            if (evs[k].events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) conn_read((int)i);
        }
    }
    uint64_t end = now_ns();
    /* whatever is still queued or in flight: unfinished, counted with the wait so far */
    for (size_t q = qhead; q < qtail; q++) {
        if (queue[q] >= t_rec) nunfinished++;
        record(queue[q], 0, end, 0, 0);
    }
    for (int i = 0; i < nconns; i++)
        if (conns[i].busy) {
            if (conns[i].sched >= t_rec) nunfinished++;
            record(conns[i].sched, conns[i].sent, end, 0, 0);
        }
    getrusage(RUSAGE_SELF, &ru1);
    double cpu = (double)(ru1.ru_utime.tv_sec - ru0.ru_utime.tv_sec + ru1.ru_stime.tv_sec - ru0.ru_stime.tv_sec) +
                 (double)(ru1.ru_utime.tv_usec - ru0.ru_utime.tv_usec + ru1.ru_stime.tv_usec - ru0.ru_stime.tv_usec) / 1e6;
    double wall = (double)(end - t0) / 1e9;
    size_t answered = nok + nnon2xx;
    printf("{\"offered_rps\": %g, \"seconds\": %d, \"warmup_seconds\": %g, \"connections\": %d, ", rate, secs, warmup, nconns);
    printf("\"requests\": %zu, \"ok\": %zu, \"non2xx\": %zu, \"errors\": %zu, \"unfinished\": %zu, ", nrec, nok, nnon2xx,
           nerr - nunfinished, nunfinished);
    printf("\"achieved_rps\": %.1f, \"answered_total\": %zu, \"max_queue\": %zu, \"client_cpu_pct\": %.2f, ",
           (double)answered / secs, nanswered, maxq, 100.0 * cpu / wall);
    print_pcts("latency_ms", lat, nrec);
    printf(", ");
    print_pcts("service_ms", svc, nrec);
    printf(", ");
    print_pcts("send_lag_ms", lag, nrec);
    printf(", \"per_second\": [");
    for (int s = 0; s < secs; s++) printf("%s[%u, %.3f]", s ? ", " : "", per_sec_n[s], per_sec_max[s]);
    printf("]}\n");
    return 0;
}
