/*
 * tools/geokota.c - the `geokota` command: argument dispatch only.
 */
#include <stdio.h>
#include <string.h>

#include <geokota/geokota.h>

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--version") == 0) {
        printf("geokota %s\n", gk_version());
        return 0;
    }
    printf("usage: geokota COMMAND [ARGS]\n");
    return argc > 1 && strcmp(argv[1], "--help") == 0 ? 0 : 2;
}
