// Linux's timerfd, which Swift's Glibc module does not carry: the clock-step watch uses
// TFD_TIMER_CANCEL_ON_SET to hear when the system's wall clock is set.
#include <sys/timerfd.h>
