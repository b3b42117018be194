#include "assets_util.h"
int main(void) { return done_testing(); }
