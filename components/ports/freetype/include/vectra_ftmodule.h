/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The modules FT_Add_Default_Modules registers (FT_CONFIG_MODULES_H): the TrueType driver, the
 * sfnt tables it reads through, and the smooth (anti-aliasing) renderer. Nothing else is built.
 */

FT_USE_MODULE( FT_Driver_ClassRec, tt_driver_class )
FT_USE_MODULE( FT_Module_Class, sfnt_module_class )
FT_USE_MODULE( FT_Renderer_Class, ft_smooth_renderer_class )
