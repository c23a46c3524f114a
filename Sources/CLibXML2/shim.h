#include <libxml/xmlversion.h>
// Debian's libxml2 enables ICU, and encoding.h would then pull the system
// <unicode/ucnv.h>, whose UErrorCode clashes with Foundation's _FoundationICU
// on every clean build. We never touch the ICU fields, so hide them.
#undef LIBXML_ICU_ENABLED
#include <libxml/xmlwriter.h>
#include <libxml/parser.h>
#include <libxml/xmlreader.h>
