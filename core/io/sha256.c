/*
 * SHA-256 (FIPS 180-4) of a file, for the run manifest: OpenSSL's digest
 * (its SHA extensions path where the CPU has one, about 2 GB/s), the file
 * streamed in 1 MiB reads, never loaded whole.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "routemap/io.h"
#include "util/util.h"

#define READ_BYTES (1 << 20)

int rm_io_sha256_file(rm_context *ctx, const char *path, char out[65])
{
    if (out)
        out[0] = '\0';
    if (!path || !out)
        return rm__error(ctx, RM_EINVAL, NULL,
                         "rm_io_sha256_file needs a path and an output "
                         "buffer");
    rm_location loc = rm__loc_file(path, 0, 0);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return rm__error(ctx, RM_EIO_OPEN, &loc,
                         "cannot open to compute its SHA-256: %s; check "
                         "the path",
                         strerror(errno));
    uint8_t *buf = rm_mallocarray(READ_BYTES, 1);
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    int ok = buf && md && EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1;
    int e = 0;
    while (ok) {
        ssize_t n = read(fd, buf, READ_BYTES);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            e = errno;
            break;
        }
        if (n == 0)
            break;
        ok = EVP_DigestUpdate(md, buf, (size_t)n) == 1;
    }
    uint8_t digest[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    ok = ok && !e && EVP_DigestFinal_ex(md, digest, &len) == 1 && len == 32;
    EVP_MD_CTX_free(md);
    free(buf);
    close(fd);
    if (e)
        return rm__error(ctx, RM_EIO_OPEN, &loc,
                         "cannot read to compute its SHA-256: %s; check "
                         "that it is a readable file, not a folder",
                         strerror(e));
    if (!ok)
        return rm__error(ctx, RM_ENOMEM, &loc,
                         "cannot compute its SHA-256: out of memory");
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < 32; i++) {
        out[2 * i] = hex[digest[i] >> 4];
        out[2 * i + 1] = hex[digest[i] & 15];
    }
    out[64] = '\0';
    return RM_OK;
}
