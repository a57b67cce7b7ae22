// erl_module.cu: the one translation unit that becomes enhancedrl.fatbin. Each included file is also
// compilable on its own (ci/native-check.sh compiles them one by one to attribute the ptxas report).
// Version ladder: see each file.
#include "mlp_forward.cu"
#include "linear.cu"
#include "elementwise.cu"
#include "topk.cu"
#include "rl_losses.cu"
