/* test-crc.c: the checksum of saved programs (CRC-32C): the standard check value, and the CPU
 * instruction path equal to the table path for every length and alignment. */
#include <glib.h>
#include <string.h>

#include "program.h"

static void test_check_value(void) {
  g_assert_cmphex(stg_crc32c("123456789", 9, 1), ==, 0xE3069283u);
  g_assert_cmphex(stg_crc32c("123456789", 9, 0), ==, 0xE3069283u);
  g_assert_cmphex(stg_crc32c("", 0, 1), ==, 0u);
}

static void test_paths_agree(void) {
  guint8 buf[300];
  GRand *r = g_rand_new_with_seed(7);
  for (size_t i = 0; i < sizeof buf; i++)
    buf[i] = (guint8)g_rand_int(r);
  for (size_t off = 0; off < 8; off++)
    for (size_t n = 0; n + off <= sizeof buf; n += 1 + n / 16)
      g_assert_cmphex(stg_crc32c(buf + off, n, 0), ==, stg_crc32c(buf + off, n, 1));
  /* any single flipped bit changes the sum */
  uint32_t base = stg_crc32c(buf, sizeof buf, 0);
  for (size_t i = 0; i < sizeof buf * 8; i += 13) {
    buf[i / 8] ^= (guint8)(1u << (i % 8));
    g_assert_cmphex(stg_crc32c(buf, sizeof buf, 0), !=, base);
    buf[i / 8] ^= (guint8)(1u << (i % 8));
  }
  g_rand_free(r);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/crc/check-value", test_check_value);
  g_test_add_func("/crc/paths-agree", test_paths_agree);
  return g_test_run();
}
