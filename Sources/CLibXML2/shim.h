#include <libxml/xmlversion.h>
// Debian's libxml2 enables ICU, and encoding.h would then pull the system
// <unicode/ucnv.h>, whose UErrorCode clashes with Foundation's _FoundationICU
// on every clean build. We never touch the ICU fields, so hide them.
#undef LIBXML_ICU_ENABLED
#include <libxml/xmlwriter.h>
#include <libxml/parser.h>
#include <libxml/xmlreader.h>

#ifdef __linux__
#include <sys/types.h>
// sync_file_range(2) is a GNU extension that Swift's Glibc module does not export.
extern int sync_file_range(int fd, off_t offset, off_t nbytes, unsigned int flags);
#endif

/// Asks the kernel to start writing `count` bytes at `offset` of `fd` to disk, without waiting
/// (SYNC_FILE_RANGE_WRITE); a no-op where there is no such call. Durability still needs fsync.
static inline int conform_start_writeback(int fd, long long offset, long long count) {
#ifdef __linux__
    return sync_file_range(fd, (off_t)offset, (off_t)count, 2 /* SYNC_FILE_RANGE_WRITE */);
#else
    (void)fd; (void)offset; (void)count;
    return 0;
#endif
}
