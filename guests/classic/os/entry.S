#include "../common/trap_entry.S"
