/*
 * rawcurl: the floor conform is measured against. It sends the request sequence of
 * bench/scenarios/lifecycle.conform.json to the XMS mock (create, read, rename, read, delete,
 * read 404) for N scenarios, C at once, over one libcurl multi handle, and checks nothing
 * but the status codes. Built by bench/run: cc -O2 bench/rawcurl.c -lcurl.
 *
 * usage: rawcurl BASE_URL TOKEN SCENARIOS CONCURRENCY [NAME_PREFIX]
 * prints: requests=N unexpected=N seconds=S
 */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

enum { STEPS = 6 };
static const char *methods[STEPS] = {"POST", "GET", "PATCH", "GET", "DELETE", "GET"};
static const long expected[STEPS] = {201, 200, 200, 200, 204, 404};

struct slot {
    CURL *easy;
    int scenario; /* -1 when idle */
    int step;
    long id;
    char body[4096];
    size_t length;
    char url[512];
    char payload[256];
};

static const char *base;
static const char *prefix = "raw";
static struct curl_slist *with_body, *without_body;

static size_t on_body(char *data, size_t size, size_t count, void *user) {
    struct slot *s = user;
    size_t n = size * count;
    size_t room = sizeof(s->body) - 1 - s->length;
    memcpy(s->body + s->length, data, n < room ? n : room);
    s->length += n < room ? n : room;
    return n;
}

/* Sets the easy handle up for the slot's current step; mirrors what conform's Transfer sets. */
static void prepare(struct slot *s) {
    const char *method = methods[s->step];
    s->length = 0;
    if (s->step == 0) {
        snprintf(s->url, sizeof s->url, "%s/access-tokens/", base);
        snprintf(s->payload, sizeof s->payload,
                 "{\"access_token\":{\"name\":\"%s-%05d\",\"roles\":[\"admin\"],\"description\":\"conform bench\"}}",
                 prefix, s->scenario);
    } else {
        snprintf(s->url, sizeof s->url, "%s/access-tokens/%ld", base, s->id);
        if (s->step == 2)
            snprintf(s->payload, sizeof s->payload, "{\"access_token\":{\"name\":\"%s-%05d-renamed\"}}", prefix, s->scenario);
    }
    curl_easy_setopt(s->easy, CURLOPT_URL, s->url);
    if (s->step == 0 || s->step == 2) {
        curl_easy_setopt(s->easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(s->payload));
        curl_easy_setopt(s->easy, CURLOPT_COPYPOSTFIELDS, s->payload);
        curl_easy_setopt(s->easy, CURLOPT_CUSTOMREQUEST, s->step == 0 ? NULL : method);
        curl_easy_setopt(s->easy, CURLOPT_HTTPHEADER, with_body);
    } else {
        curl_easy_setopt(s->easy, CURLOPT_HTTPGET, 1L);
        curl_easy_setopt(s->easy, CURLOPT_CUSTOMREQUEST, strcmp(method, "GET") == 0 ? NULL : method);
        curl_easy_setopt(s->easy, CURLOPT_HTTPHEADER, without_body);
    }
}

int main(int argc, char **argv) {
    if (argc < 5) {
        fprintf(stderr, "usage: rawcurl BASE_URL TOKEN SCENARIOS CONCURRENCY [NAME_PREFIX]\n");
        return 2;
    }
    base = argv[1];
    int scenarios = atoi(argv[3]);
    int concurrency = atoi(argv[4]);
    if (argc > 5) prefix = argv[5];
    if (scenarios < 1 || concurrency < 1) return 2;

    char auth[256];
    snprintf(auth, sizeof auth, "Xms-Auth-Token: %s", argv[2]);
    /* The headers conform sends: credential, Accept, Content-Type on bodies, no Expect. */
    with_body = curl_slist_append(NULL, auth);
    with_body = curl_slist_append(with_body, "Content-Type: application/json");
    with_body = curl_slist_append(with_body, "Accept: application/json");
    with_body = curl_slist_append(with_body, "Expect:");
    without_body = curl_slist_append(NULL, auth);
    without_body = curl_slist_append(without_body, "Accept: application/json");
    without_body = curl_slist_append(without_body, "Expect:");
    without_body = curl_slist_append(without_body, "Content-Type:");

    curl_global_init(CURL_GLOBAL_DEFAULT);
    CURLM *multi = curl_multi_init();
    curl_multi_setopt(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)concurrency);
    curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, (long)concurrency);

    struct timeval t0, t1;
    gettimeofday(&t0, NULL);
    struct slot *slots = calloc((size_t)concurrency, sizeof *slots);
    int next = 0, running_scenarios = 0;
    long requests = 0, unexpected = 0;
    for (int i = 0; i < concurrency; i++) {
        struct slot *s = &slots[i];
        s->easy = curl_easy_init();
        curl_easy_setopt(s->easy, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(s->easy, CURLOPT_PRIVATE, s);
        curl_easy_setopt(s->easy, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(s->easy, CURLOPT_WRITEDATA, s);
        s->scenario = -1;
        if (next < scenarios) {
            s->scenario = next++;
            s->step = 0;
            running_scenarios++;
            prepare(s);
            curl_multi_add_handle(multi, s->easy);
        }
    }
    while (running_scenarios > 0) {
        int still;
        curl_multi_perform(multi, &still);
        CURLMsg *msg;
        int left;
        while ((msg = curl_multi_info_read(multi, &left))) {
            if (msg->msg != CURLMSG_DONE) continue;
            struct slot *s;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&s);
            long status = 0;
            curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, &status);
            curl_multi_remove_handle(multi, s->easy);
            requests++;
            int ok = msg->data.result == CURLE_OK && status == expected[s->step];
            if (ok && s->step == 0) {
                s->body[s->length] = 0;
                char *id = strstr(s->body, "\"id\":");
                ok = id != NULL;
                if (ok) s->id = strtol(id + 5, NULL, 10);
            }
            if (!ok) unexpected++;
            if (ok && s->step + 1 < STEPS) {
                s->step++;
            } else if (next < scenarios) {
                s->scenario = next++;
                s->step = 0;
            } else {
                s->scenario = -1;
                running_scenarios--;
                continue;
            }
            prepare(s);
            curl_multi_add_handle(multi, s->easy);
        }
        if (running_scenarios > 0) curl_multi_poll(multi, NULL, 0, 1000, NULL);
    }
    gettimeofday(&t1, NULL);
    double seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_usec - t0.tv_usec) / 1e6;
    printf("requests=%ld unexpected=%ld seconds=%.3f\n", requests, unexpected, seconds);
    for (int i = 0; i < concurrency; i++) curl_easy_cleanup(slots[i].easy);
    curl_multi_cleanup(multi);
    curl_slist_free_all(with_body);
    curl_slist_free_all(without_body);
    free(slots);
    return unexpected > 0 ? 1 : 0;
}
